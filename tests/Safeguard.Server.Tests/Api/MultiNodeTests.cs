// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net.Http.Json;
using Safeguard.Server.Tests.Kit;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>Several nodes on one PostgreSQL database, and restarts on both stores.</summary>
public sealed class MultiNodeTests
{
    [Fact]
    public async Task HashAddedOnOneNode_IsMatchedByAnotherWithin2Seconds_ThroughNotify()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres);
        await using var a = await TestServer.StartAsync(store);
        // Node B polls only every 30 s, so a match within 2 s can only come from LISTEN/NOTIFY.
        await using var b = await TestServer.StartAsync(store, "--Safeguard:Sync:PollIntervalMilliseconds=30000");
        using var clientA = a.Client();
        using var clientB = b.Client(a.AdminKey);
        var random = new Random(42);
        string bank = NewBankName();
        await CreateBankAsync(clientA, bank);
        // Let B take the bank from the feed first, so the timed part is the entry alone.
        await Task.Delay(300, TestContext.Current.CancellationToken);

        foreach (var kind in new[] { "md5", "pdq" })
        {
            string value = kind == "md5" ? RandomHex(random, 16) : RandomPdq(random).ToString();
            var probe = kind == "md5" ? (object)new { md5 = value } : new { pdq = value };
            Assert.Equal("allow", await DecisionAsync(clientB, probe));
            var clock = Stopwatch.StartNew();
            long id = await AddEntryAsync(clientA, bank, kind, value);
            while (await DecisionAsync(clientB, probe) != "block")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"node B did not see entry {id} within 2 s");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
            // And a delete travels the same way.
            clock.Restart();
            await clientA.DeleteAsync($"/v1/banks/{bank}/entries/{id}", TestContext.Current.CancellationToken);
            while (await DecisionAsync(clientB, probe) != "allow")
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"node B still matched deleted entry {id} after 2 s");
                await Task.Delay(20, TestContext.Current.CancellationToken);
            }
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Restart_KeepsBanksEntriesKeysAndAudit(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        string bank = NewBankName(), md5 = RandomHex(new Random(7), 16), key;
        long auditLength;
        await using (var first = await TestServer.StartAsync(store))
        {
            using var client = first.Client();
            await CreateBankAsync(client, bank, action: "hold");
            await AddEntryAsync(client, bank, "md5", md5, ["kept"]);
            key = first.AdminKey;
            auditLength = await AuditLengthAsync(first);
        }
        await using var second = await TestServer.StartAsync(store);
        using var again = second.Client(key);
        var result = await CheckAsync(again, new { md5 });
        Assert.Equal("hold", result.GetProperty("decision").GetString());
        Assert.Equal("kept", result.GetProperty("matches")[0].GetProperty("labels")[0].GetString());
        // The second server added its own admin key: one audit entry more, and the chain still verifies.
        Assert.Equal(auditLength + 1, await AuditLengthAsync(second));
        var verify = await again.GetFromJsonAsync<System.Text.Json.JsonElement>("/v1/audit/verify", TestContext.Current.CancellationToken);
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }
}
