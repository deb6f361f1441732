// SPDX-License-Identifier: Apache-2.0
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Hosting.Matching;
using Safeguard.Security;
using Safeguard.Storage;

namespace Safeguard.Server.Tests.Kit;

/// <summary>
/// The real server (<see cref="SafeguardServer.Build"/>) on Kestrel at a loopback port, over a
/// <see cref="TestStore"/>. Comes with an admin key.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServer(WebApplication app, Uri baseUrl, CapturedLogs logs)
    {
        _app = app;
        BaseUrl = baseUrl;
        Logs = logs;
    }

    public Uri BaseUrl { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _app.Services;

    public ISafeguardStore Store => Services.GetRequiredService<ISafeguardStore>();

    public string AdminKey { get; private set; } = "";

    public static Task<TestServer> StartAsync(TestStore store, params string[] settings) => StartAsync(store.ServerArgs, null, settings);

    /// <summary>A server over the storage named by <paramref name="storeArgs"/>, with extra services from <paramref name="configure"/>.</summary>
    public static async Task<TestServer> StartAsync(IEnumerable<string> storeArgs, Action<WebApplicationBuilder>? configure, params string[] settings)
    {
        var logs = new CapturedLogs();
        string[] args = ["--urls=http://127.0.0.1:0", "--Safeguard:Sync:PollIntervalMilliseconds=100", .. storeArgs, .. settings];
        var app = SafeguardServer.Build(args, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(LogLevel.Trace);
            builder.Logging.AddProvider(logs);
            configure?.Invoke(builder);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var server = new TestServer(app, new Uri(address), logs);
        var index = app.Services.GetRequiredService<BankIndex>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!index.IsLoaded)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the index did not load");
            }
            await Task.Delay(20);
        }
        server.AdminKey = await server.CreateKeyAsync(ApiScopes.Admin);
        return server;
    }

    /// <summary>A new key with <paramref name="scopes"/>.</summary>
    public async Task<string> CreateKeyAsync(ApiScopes scopes, int? ratePerSecond = 100_000)
    {
        var (_, token) = await Store.CreateApiKeyAsync("test", scopes, ratePerSecond, "test");
        return token;
    }

    /// <summary>A client sending <paramref name="key"/> (the admin key when null; no key when empty).</summary>
    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        key ??= AdminKey;
        if (key.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private int _disposed;
}
