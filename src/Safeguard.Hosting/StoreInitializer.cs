// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Storage;

namespace Safeguard.Hosting;

/// <summary>
/// Runs the migrations before anything else starts (in <see cref="IHostedLifecycleService.StartingAsync"/>,
/// which the host calls before starting the web server), so no request ever meets an old schema.
/// </summary>
internal sealed class StoreInitializer(ISafeguardStore store, ILogger<StoreInitializer> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
        logger.ServerStarting(store.Provider, await store.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
