// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Safeguard.Records;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using Safeguard.Storage;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>A server process killed with SIGKILL in the middle of a bulk import.</summary>
public sealed partial class CrashTests
{
    private const int BatchSize = 1000;
    private const int Lines = 300_000;

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task SigkillDuringImport_LosesNoAcknowledgedEntry_AndLeavesNoHalfBatch(StoreKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(kind);
        string token, bank = NewBankName();
        long bankId;
        await using (var db = SafeguardStores.Create(store.Postgres, store.DataDirectory))
        {
            await db.MigrateAsync(ct);
            (_, token) = await db.CreateApiKeyAsync("crash", ApiScopes.Admin, null, "test", ct);
            bankId = (await db.CreateBankAsync(new Banks.BankDraft(bank, null, "internal", "test", 31, true, Banks.BankAction.Block), "test", ct)).Id;
        }
        var random = new Random(99);
        var values = Enumerable.Range(0, Lines).Select(_ => RandomHex(random, 16)).ToList();

        long acknowledged = 0;
        using (var child = StartServerProcess(store))
        {
            try
            {
                var baseUrl = await WaitForAddressAsync(child, ct);
                using var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromMinutes(2) };
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/banks/{bank}/import?kind=md5")
                {
                    Content = new StringContent(string.Join('\n', values), Encoding.UTF8, "text/plain"),
                };
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                Assert.True(response.IsSuccessStatusCode, $"import answered {(int)response.StatusCode}");
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    var progress = JsonSerializer.Deserialize<JsonElement>(line);
                    if (progress.GetProperty("event").GetString() == "committed")
                    {
                        acknowledged = progress.GetProperty("committed").GetInt64();
                        if (acknowledged >= 5 * BatchSize)
                        {
                            break;
                        }
                    }
                }
            }
            finally
            {
                // Process.Kill is SIGKILL on Unix: no shutdown code runs.
                child.Kill();
                await child.WaitForExitAsync(ct);
            }
        }
        Assert.True(acknowledged >= 5 * BatchSize, "the import never acknowledged five batches");

        await using (var db = SafeguardStores.Create(store.Postgres, store.DataDirectory))
        {
            var stored = new List<string>();
            long after = 0;
            while (true)
            {
                var page = await db.ListEntriesAsync(bankId, after, 50_000, includeDeleted: true, ct);
                stored.AddRange(page.Select(e => e.Value));
                if (page.Count < 50_000)
                {
                    break;
                }
                after = page[^1].Id;
            }
            Assert.True(stored.Count >= acknowledged, $"{stored.Count} stored < {acknowledged} acknowledged");
            Assert.True(stored.Count < Lines, "the import finished before the kill; the test proved nothing");
            Assert.Equal(0, stored.Count % BatchSize);
            // Whole batches, in file order: exactly the first lines of the file.
            Assert.Equal(values.Take(stored.Count), stored);

            var audit = new List<ChainEntry>();
            await foreach (var e in db.ReadAuditAsync(ct))
            {
                audit.Add(e);
            }
            Assert.True(HashChain.Verify(audit).IsValid);
            Assert.Equal(stored.Count / BatchSize, audit.Count(e => e.Kind == "entries.imported"));
        }

        // A restarted server has every committed entry in its index.
        await using var restarted = await TestServer.StartAsync(store);
        using var check = restarted.Client();
        Assert.Equal("block", await DecisionAsync(check, new { md5 = values[(int)acknowledged - 1] }));
        Assert.Equal("allow", await DecisionAsync(check, new { md5 = values[^1] }));
    }

    private static Process StartServerProcess(TestStore store)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Safeguard.Server.dll"));
        psi.ArgumentList.Add("--urls=http://127.0.0.1:0");
        psi.ArgumentList.Add($"--Safeguard:Api:ImportBatchSize={BatchSize}");
        psi.ArgumentList.Add($"--Safeguard:Storage:DataDirectory={store.DataDirectory}");
        if (store.Postgres is not null)
        {
            // Through the environment, as an operator would, rather than on the command line.
            psi.Environment["Safeguard__Storage__Postgres"] = store.Postgres;
        }
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start the server process");
    }

    private static async Task<Uri> WaitForAddressAsync(Process child, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        _ = child.StandardError.ReadToEndAsync(ct);
        while (await child.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = ListeningOn().Match(line);
            if (match.Success)
            {
                // Keep draining stdout so the child never blocks on a full pipe.
                _ = child.StandardOutput.ReadToEndAsync(ct);
                return new Uri(match.Groups[1].Value);
            }
        }
        throw new InvalidOperationException("the server process exited before listening");
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningOn();
}
