// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Checks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Storage;

namespace Safeguard.Hosting.Checks;

/// <summary>
/// Counts checks without a match in memory and adds them to the database every few seconds, so the
/// hot path never writes. Counts since the last flush are lost if the process is killed; a clean
/// stop flushes them.
/// </summary>
public sealed class UnmatchedCheckCounter(ISafeguardStore store, IOptions<SafeguardOptions> options, TimeProvider time, ILogger<UnmatchedCheckCounter> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<(DateOnly Day, long KeyId), StrongBox<long>> _counts = new();

    /// <summary>Counts one check without a match by <paramref name="keyId"/>.</summary>
    public void Increment(long keyId)
    {
        var day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var box = _counts.GetOrAdd((day, keyId), static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
    }

    /// <summary>Writes what has been counted since the last flush.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var pending = new List<UnmatchedCheckCount>();
        foreach (var (key, box) in _counts)
        {
            long n = Interlocked.Exchange(ref box.Value, 0);
            if (n > 0)
            {
                pending.Add(new UnmatchedCheckCount(key.Day, key.KeyId, n));
            }
        }
        try
        {
            await store.AddUnmatchedCheckCountsAsync(pending, ct).ConfigureAwait(false);
        }
        catch
        {
            // Put them back so the next flush writes them.
            foreach (var p in pending)
            {
                Interlocked.Add(ref _counts.GetOrAdd((p.Day, p.ApiKeyId), static _ => new StrongBox<long>()).Value, p.Checks);
            }
            throw;
        }
        // Boxes of past days can go once empty; a late increment just makes a new box.
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        foreach (var key in _counts.Keys.Where(k => k.Day < today))
        {
            if (_counts.TryGetValue(key, out var box) && Interlocked.Read(ref box.Value) == 0)
            {
                _counts.TryRemove(key, out _);
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromSeconds(options.Value.Sync.CounterFlushSeconds);
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FlushQuietlyAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc/>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await FlushQuietlyAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task FlushQuietlyAsync(CancellationToken ct)
    {
        try
        {
            await FlushAsync(ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Counting must never take the server down; the counts are kept for the next try.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.CounterFlushFailed(e.GetType().Name);
        }
    }
}
