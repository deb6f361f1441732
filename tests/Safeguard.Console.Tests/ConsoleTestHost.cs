// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.ReviewConsole;
using Safeguard.ReviewConsole.Banks;
using Safeguard.Records;
using Safeguard.Webhooks;

namespace Safeguard.Console.Tests;

/// <summary>
/// The real console on Kestrel at a loopback port, with in-memory stores and seeded users. The same
/// <c>AddSafeguardConsole</c>/<c>MapSafeguardConsole</c> calls are what the server makes.
/// </summary>
internal sealed class ConsoleTestHost : IAsyncDisposable
{
    public const string Password = "correct horse battery staple";

    private readonly WebApplication _app;

    private ConsoleTestHost(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>http://localhost:PORT (browsers treat localhost as a secure context, so Secure cookies work over loopback http).</summary>
    public Uri BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public CaseService Cases => Services.GetRequiredService<CaseService>();

    public ICaseStore CaseStore => Services.GetRequiredService<ICaseStore>();

    public InMemoryAuditTrail Audit => (InMemoryAuditTrail)Services.GetRequiredService<IAuditTrail>();

    public IOutboxStore Outbox => Services.GetRequiredService<IOutboxStore>();

    public IThumbnailStore Thumbnails => Services.GetRequiredService<IThumbnailStore>();

    public IBankCatalog Banks => Services.GetRequiredService<IBankCatalog>();

    public IUserStore Users => Services.GetRequiredService<IUserStore>();

    public Safeguard.Transparency.IRecordLog Records => Services.GetRequiredService<Safeguard.Transparency.IRecordLog>();

    public static async Task<ConsoleTestHost> StartAsync(Action<ConsoleOptions>? configure = null, CancellationToken ct = default, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("SAFEGUARD_TEST_LOGS") == "1")
        {
            builder.Logging.AddSimpleConsole();
        }
        var time = TimeProvider.System;
        var outbox = new InMemoryOutboxStore();
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<IOutboxStore>(outbox);
        builder.Services.AddSingleton<ICaseStore>(new InMemoryCaseStore(outbox));
        builder.Services.AddSingleton<IExposureStore>(new InMemoryExposureStore());
        builder.Services.AddSingleton<IUserStore>(new InMemoryUserStore());
        builder.Services.AddSingleton<IAuditTrail>(new InMemoryAuditTrail(time));
        builder.Services.AddSingleton<IThumbnailStore>(new InMemoryThumbnailStore());
        builder.Services.AddSingleton<IBankCatalog>(new InMemoryBankCatalog(time));
        string records = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sg-console-records-{Guid.NewGuid():N}.jsonl");
        builder.Services.AddSingleton<Safeguard.Transparency.IRecordLog>(new Safeguard.Transparency.JsonLinesRecordLog(records));
        services?.Invoke(builder.Services);
        builder.Services.AddSafeguardConsole(o =>
        {
            // Cheap hashing keeps tests fast; the default cost is covered by Argon2idPasswordHasherTests.
            o.PasswordHashing = new Argon2Parameters(1024, 1, 1);
            o.WorkerInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        });
        var app = builder.Build();
        app.MapSafeguardConsole();
        await app.StartAsync(ct);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var host = new ConsoleTestHost(app, new Uri($"http://localhost:{address.Port}"));
        foreach (var (name, roles) in new[]
        {
            ("alice", ConsoleRoles.Reviewer), ("bob", ConsoleRoles.Reviewer), ("carol", ConsoleRoles.ChildSafetyReviewer),
            ("audrey", ConsoleRoles.Auditor), ("curt", ConsoleRoles.Curator), ("root", ConsoleRoles.Admin),
        })
        {
            await host.AddUserAsync(name, roles);
        }
        return host;
    }

    public async Task AddUserAsync(string name, ConsoleRoles roles)
    {
        var hasher = Services.GetRequiredService<IPasswordHasher>();
        await Users.AddAsync(new UserAccount(name, roles, hasher.Hash(Password), 0, null, UserAccount.DefaultBlurStrength, null, false, DateTimeOffset.UtcNow));
    }

    /// <summary>Opens an image case whose thumbnail is a benign PDQ reference photo.</summary>
    public async Task<ReviewCase> OpenImageCaseAsync(string image = "bridge-mods/aaa-orig.jpg", string userRef = "user-100", CasePriority priority = CasePriority.High)
    {
        var bytes = await File.ReadAllBytesAsync(TestData.Path("pdq", image));
        var thumb = await Thumbnails.PutAsync(new Thumbnail(bytes, "image/jpeg"));
        var hashes = new Dictionary<string, string>
        {
            ["md5"] = Convert.ToHexStringLower(MD5.HashData(bytes)),
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
        };
        return await Cases.OpenAsync(new NewCase(CaseKind.Image, priority, "bank test-bank: review",
            new CaseEvidence(thumb, hashes, [new CaseMatch("test-bank", 1, "md5", 0, ["placeholder-label"])], [], "content-" + Guid.NewGuid().ToString("N")[..8], userRef), CheckId: 7));
    }

    public Task<ReviewCase> OpenTextCaseAsync(CaseKind kind = CaseKind.Text, string userRef = "user-200") =>
        Cases.OpenAsync(new NewCase(kind, CasePriority.Normal, kind == CaseKind.Grooming ? "grooming rule: placeholder" : "keyword list: placeholder",
            CaseEvidence.Empty with { TextHits = [new TextHit("placeholder-list", "pinecone", "… meet at the pinecone spot …")], UserRef = userRef, ContentRef = "message-1" }));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal static class TestData
{
    public static string Path(params string[] parts) => System.IO.Path.Combine([AppContext.BaseDirectory, "data", .. parts]);

    /// <summary>The repository root (where Safeguard.slnx is), for artefacts the test run writes into docs/.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Safeguard.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Safeguard.slnx not found above the test output folder");
    }
}

/// <summary>A loopback receiver that records the webhooks it gets; answers with a scripted status.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(string Body, Dictionary<string, string> Headers)> _received = [];
    private readonly Lock _gate = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public int Status { get; set; } = 200;

    public IReadOnlyList<(string Body, Dictionary<string, string> Headers)> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (Microsoft.AspNetCore.Http.HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            lock (receiver._gate)
            {
                receiver._received.Add((body, headers));
            }
            http.Response.StatusCode = receiver.Status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        receiver.Url = new Uri(address + "/hook");
        return receiver;
    }

    public async Task<(string Body, Dictionary<string, string> Headers)> WaitForAsync(int count, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var list = Received;
            if (list.Count >= count)
            {
                return list[count - 1];
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"no webhook number {count} within {timeout.TotalSeconds} s");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
