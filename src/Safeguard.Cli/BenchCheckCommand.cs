// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Hashing;
using Safeguard.Imaging;
using Safeguard.Matching;
using Safeguard.Security;
using Safeguard.Server;
using Safeguard.Storage;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard bench check</c>: drives a server with image checks and hash-only checks at
/// concurrency 1 and 8 and prints p50/p99 latency and throughput beside the in-process cost of
/// hashing and matching the same image. Without <c>--url</c> it starts a server in this process on
/// a loopback port over a throw-away SQLite folder with a bank of random entries.
/// </summary>
internal static class BenchCheckCommand
{
    /// <summary>Adds <c>check</c> under the shared <c>bench</c> command, creating that if no other area has.</summary>
    public static void AddTo(RootCommand root)
    {
        var bench = root.Subcommands.FirstOrDefault(c => c.Name == "bench");
        if (bench is null)
        {
            bench = new Command("bench", "Measure speed and memory (benchmarks, not tests).");
            root.Subcommands.Add(bench);
        }
        bench.Subcommands.Add(Create());
    }

    private static Command Create()
    {
        var image = new Option<string?>("--image") { Description = "Image to check (default: tests/data/pdq/bridge-mods/aaa-orig.jpg)." };
        var url = new Option<string?>("--url") { Description = "Drive this running server instead of starting one (needs --key)." };
        var key = new Option<string?>("--key") { Description = "API key with the check scope for --url." };
        var entries = new Option<int>("--entries") { Description = "PDQ entries in the bank of the built-in server.", DefaultValueFactory = _ => 10_000 };
        var seconds = new Option<double>("--seconds") { Description = "Duration of each measured run.", DefaultValueFactory = _ => 5 };
        var check = new Command("check", "Image and hash-only checks through the HTTP API at concurrency 1 and 8, beside in-process hashing + matching.")
        {
            image, url, key, entries, seconds,
        };
        check.SetAction(async (parse, ct) =>
        {
            string imagePath = parse.GetValue(image) ?? Path.Combine("tests", "data", "pdq", "bridge-mods", "aaa-orig.jpg");
            if (!File.Exists(imagePath))
            {
                throw new UsageException($"--image: no file at {imagePath}");
            }
            if (parse.GetValue(url) is not null && parse.GetValue(key) is null)
            {
                throw new UsageException("--url needs --key");
            }
            int bankSize = parse.GetValue(entries);
            var duration = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(seconds), 0.5, 600));
            return await RunAsync(await File.ReadAllBytesAsync(imagePath, ct).ConfigureAwait(false), parse.GetValue(url), parse.GetValue(key), bankSize, duration, ct).ConfigureAwait(false);
        });
        return check;
    }

    private static async Task<int> RunAsync(byte[] image, string? url, string? key, int bankSize, TimeSpan duration, CancellationToken ct)
    {
        var random = new Random(20261128);
        var bank = Enumerable.Range(0, bankSize).Select(_ => RandomPdq(random)).ToList();
        var output = Console.Out;
        await output.WriteLineAsync($"machine: {Environment.ProcessorCount} logical cores, {RuntimeName()}; bank: {bankSize} PDQ entries, radius 31; each run {duration.TotalSeconds:0.#} s").ConfigureAwait(false);

        // In-process: the same work a check does, without HTTP.
        var hasher = new ImageHasher();
        var index = PdqMatchIndex.CreateDefault();
        for (int i = 0; i < bank.Count; i++)
        {
            index.Add(bank[i], i + 1);
        }
        hasher.Hash(image);
        var inProcess = Measure(1, duration, _ => { HashAndMatch(hasher, index, image); return Task.CompletedTask; }, ct).Result;
        double bothCores = Measure(Environment.ProcessorCount, duration, _ => { HashAndMatch(hasher, index, image); return Task.CompletedTask; }, ct).Result.Throughput;
        await output.WriteLineAsync($"in-process hash+match ({image.Length / 1024} KiB JPEG): {inProcess.Describe()}; all {Environment.ProcessorCount} cores: {bothCores:0.0}/s").ConfigureAwait(false);

        await using var server = url is null ? await StartServerAsync(bank, ct).ConfigureAwait(false) : null;
        var baseUrl = new Uri(url ?? server!.Url);
        string token = key ?? server!.Token;
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var client = new HttpClient(handler) { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        foreach (int concurrency in new[] { 1, 8 })
        {
            var stats = await Measure(concurrency, duration, async c =>
            {
                using var content = new ByteArrayContent(image);
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                using var response = await client.PostAsync("/v1/check", content, c).ConfigureAwait(false);
                Expect(response);
            }, ct).ConfigureAwait(false);
            string ratio = concurrency == 1
                ? $"p99 / in-process p99 = {stats.P99 / inProcess.P99:0.00} (goal <= 1.5), p50 / in-process p50 = {stats.P50 / inProcess.P50:0.00}"
                : $"throughput / in-process all cores = {stats.Throughput / bothCores:0.00} (goal >= 0.80)";
            await output.WriteLineAsync($"image checks, concurrency {concurrency}: {stats.Describe()}; {ratio}").ConfigureAwait(false);

            var hashStats = await Measure(concurrency, duration, async c =>
            {
                // A fresh random PDQ and MD5 each time: the realistic case is no match.
                string body;
                lock (random)
                {
                    body = $"{{\"hashes\":{{\"pdq\":\"{RandomPdq(random)}\",\"md5\":\"{RandomHex(random, 16)}\"}}}}";
                }
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = await client.PostAsync("/v1/check", content, c).ConfigureAwait(false);
                Expect(response);
            }, ct).ConfigureAwait(false);
            await output.WriteLineAsync($"hash-only checks, concurrency {concurrency}: {hashStats.Describe()}{(concurrency == 8 ? " (goal >= 5000/s)" : "")}").ConfigureAwait(false);
        }
        return CliApp.ExitOk;
    }

    private static void HashAndMatch(ImageHasher hasher, IPdqMatchIndex index, byte[] image)
    {
        var result = hasher.Hash(image);
        var matches = new List<IndexMatch>();
        index.Search(result.Pdq, 31, matches);
    }

    private static void Expect(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"the server answered {(int)response.StatusCode} to a check");
        }
    }

    private sealed record Stats(long Count, double Seconds, double P50, double P99)
    {
        public double Throughput => Count / Seconds;

        public string Describe() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50:0.000} ms, p99 {P99:0.000} ms, {Throughput:0.0}/s ({Count} in {Seconds:0.0} s)");
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="concurrency"/> loops for <paramref name="duration"/> after a short warm-up.</summary>
    private static async Task<Stats> Measure(int concurrency, TimeSpan duration, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        for (int i = 0; i < 20; i++)
        {
            await work(ct).ConfigureAwait(false);
        }
        var latencies = new List<double>[concurrency];
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, concurrency).Select(n => Task.Run(async () =>
        {
            var mine = latencies[n] = [];
            while (clock.Elapsed < duration && !ct.IsCancellationRequested)
            {
                long start = Stopwatch.GetTimestamp();
                await work(ct).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        }, ct)).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        double Percentile(double p) => all.Count == 0 ? 0 : all[Math.Min(all.Count - 1, (int)(p * all.Count))];
        return new Stats(all.Count, seconds, Percentile(0.50), Percentile(0.99));
    }

    private static Hash256 RandomPdq(Random random)
    {
        Span<byte> b = stackalloc byte[32];
        random.NextBytes(b);
        return Hash256.FromBytes(b);
    }

    private static string RandomHex(Random random, int bytes)
    {
        var b = new byte[bytes];
        random.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    private static string RuntimeName() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

    private sealed class BenchServer(Microsoft.AspNetCore.Builder.WebApplication app, string url, string token, string data) : IAsyncDisposable
    {
        public string Url => url;

        public string Token => token;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync().ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<BenchServer> StartServerAsync(List<Hash256> bank, CancellationToken ct)
    {
        string data = Path.Combine(Path.GetTempPath(), "safeguard-bench-" + Guid.NewGuid().ToString("N"));
        string token;
        await using (var store = new SqliteStore(data))
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
            (_, token) = await store.CreateApiKeyAsync("bench", ApiScopes.Check, 1_000_000, "bench", ct).ConfigureAwait(false);
            var created = await store.CreateBankAsync(new BankDraft("bench", null, "internal", "benchmark", Bank.DefaultPdqRadius, true, BankAction.Block), "bench", ct).ConfigureAwait(false);
            await store.AddEntriesAsync(created.Id, [.. bank.Select(h => new NewBankEntry(HashKind.Pdq, h.ToString()))], "bench", ct).ConfigureAwait(false);
        }
        var app = SafeguardServer.Build(["--urls=http://127.0.0.1:0", $"--Safeguard:Storage:DataDirectory={data}"], b => b.Logging.ClearProviders());
        await app.StartAsync(ct).ConfigureAwait(false);
        var index = app.Services.GetRequiredService<Safeguard.Hosting.Matching.BankIndex>();
        while (!index.IsLoaded)
        {
            await Task.Delay(20, ct).ConfigureAwait(false);
        }
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchServer(app, address, token, data);
    }
}
