// SPDX-License-Identifier: Apache-2.0
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.Hosting.Matching;
using Safeguard.ReviewConsole;
using Safeguard.Security;
using Safeguard.Server;
using Safeguard.Storage;

namespace Safeguard.Console.Tests.Browser;

/// <summary>
/// The real server, composed by <see cref="SafeguardServer.Build"/> exactly as <c>safeguard serve</c>
/// composes it, on a loopback port over SQLite in a temporary folder. Users are added the way
/// <c>safeguard users add</c> adds them (Argon2id at the default cost, SQL user store).
/// </summary>
internal sealed class ServerConsoleHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;

    private ServerConsoleHost(WebApplication app, string data, Uri baseUrl)
    {
        _app = app;
        _data = data;
        BaseUrl = baseUrl;
    }

    /// <summary>http://localhost:PORT: browsers count localhost as a secure context, so Secure cookies work over loopback http.</summary>
    public Uri BaseUrl { get; }

    public IServiceProvider Services => _app.Services;

    public string AdminKey { get; private set; } = string.Empty;

    public static async Task<ServerConsoleHost> StartAsync(params string[] settings)
    {
        var data = Path.Combine(Path.GetTempPath(), "sg-console-" + Guid.NewGuid().ToString("N"));
        var app = SafeguardServer.Build(
            ["--urls=http://127.0.0.1:0", $"--Safeguard:Storage:DataDirectory={data}", "--Safeguard:Review:WorkerIntervalMilliseconds=200", .. settings],
            builder =>
            {
                builder.Logging.ClearProviders();
                if (Environment.GetEnvironmentVariable("SAFEGUARD_TEST_LOGS") == "1")
                {
                    builder.Logging.AddSimpleConsole();
                }
            });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First());
        var host = new ServerConsoleHost(app, data, new Uri($"http://localhost:{address.Port}"));
        var index = app.Services.GetRequiredService<BankIndex>();
        for (var waited = 0; !index.IsLoaded; waited += 20)
        {
            Assert.True(waited < 30_000, "the index did not load");
            await Task.Delay(20);
        }
        (_, host.AdminKey) = await app.Services.GetRequiredService<ISafeguardStore>().CreateApiKeyAsync("browser-test", ApiScopes.Admin, null, "test");
        var users = app.Services.GetRequiredService<IUserStore>();
        var hasher = new Argon2idPasswordHasher();
        foreach (var (name, roles) in new[] { ("alice", ConsoleRoles.Reviewer), ("bob", ConsoleRoles.Reviewer), ("audrey", ConsoleRoles.Auditor) })
        {
            Assert.True(await users.AddAsync(new UserAccount(name, roles, hasher.Hash(ConsoleTestHost.Password), 0, null, UserAccount.DefaultBlurStrength, null, false, DateTimeOffset.UtcNow)));
        }
        return host;
    }

    /// <summary>An API client with the admin key.</summary>
    public HttpClient Api()
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }
}
