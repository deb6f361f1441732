// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Server.Tests.Kit;

/// <summary>One server over a fresh store, shared by a test class; tests use their own bank names.</summary>
public abstract class ServerFixture(StoreKind kind) : IAsyncLifetime
{
    private TestStore? _store;
    private TestServer? _server;
    private Exception? _startFailure;

    public StoreKind Kind => kind;

    internal TestStore Store => _store ?? throw new InvalidOperationException("no store");

    /// <summary>The running server; skips (or fails on CI) when its database is missing.</summary>
    internal TestServer Server
    {
        get
        {
            if (_startFailure is not null)
            {
                throw new InvalidOperationException("the test server did not start", _startFailure);
            }
            if (_server is null)
            {
                Prerequisites.SkipOrFail($"PostgreSQL tests need {Prerequisites.PostgresVariable} (scripts/deps-postgres.sh, run by ./test.sh, sets it)");
            }
            return _server;
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (kind == StoreKind.Postgres && Prerequisites.PostgresConnectionString is null)
        {
            return;
        }
        try
        {
            _store = await TestStore.CreateAsync(kind);
            _server = await TestServer.StartAsync(_store);
        }
        catch (Exception e)
        {
            _startFailure = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class SqliteServerFixture() : ServerFixture(StoreKind.Sqlite);

public sealed class PostgresServerFixture() : ServerFixture(StoreKind.Postgres);
