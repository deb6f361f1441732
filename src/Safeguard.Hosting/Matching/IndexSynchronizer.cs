// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Banks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Storage;

namespace Safeguard.Hosting.Matching;

/// <summary>
/// Keeps <see cref="BankIndex"/> equal to the database: one full load at start, then the change
/// feed. It waits on <see cref="ISafeguardStore.WaitForChangeAsync"/> (PostgreSQL NOTIFY, else the
/// poll interval) and applies rows in id order; each row makes it reload the current state of what
/// it names, so replays are harmless. Writes made through this node call
/// <see cref="CatchUpAsync"/> before answering, so the next check on this node sees them.
/// Url and keyword banks go to <see cref="TextBankIndex"/>; when a batch of rows changed text
/// entries, the text snapshot is rebuilt once at the end of the batch.
/// </summary>
public sealed class IndexSynchronizer(
    ISafeguardStore store,
    BankIndex index,
    TextBankIndex textIndex,
    SafeguardMetrics metrics,
    IOptions<SafeguardOptions> options,
    ILogger<IndexSynchronizer> logger) : BackgroundService
{
    private const int ChangePage = 1000;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _lastChangeId;

    /// <summary>The newest change-feed row applied.</summary>
    public long LastChangeId => Interlocked.Read(ref _lastChangeId);

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(options.Value.Sync.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested && !index.IsLoaded)
        {
            try
            {
                await LoadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The loop must survive any failure of the database and retry.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.IndexLoadFailed(e.GetType().Name);
                await DelayQuietly(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.WaitForChangeAsync(poll, stoppingToken).ConfigureAwait(false);
                await CatchUpAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // as above
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.IndexSyncFailed(e.GetType().Name);
                await DelayQuietly(poll, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task DelayQuietly(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Loads every bank and live entry. Changes committed meanwhile are replayed afterwards.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var clock = Stopwatch.StartNew();
            // Read the feed position first: anything committed after it is replayed, and replays are idempotent.
            long changeId = await store.GetLatestChangeIdAsync(ct).ConfigureAwait(false);
            var banks = await store.ListBanksAsync(ct).ConfigureAwait(false);
            foreach (var bank in banks)
            {
                Upsert(bank);
            }
            long entries = 0;
            await foreach (var entry in store.ReadLiveEntriesAsync(ct).ConfigureAwait(false))
            {
                Apply(entry);
                entries++;
            }
            // Text checks must not answer before their lists are compiled, as hash checks wait for the load.
            await RebuildTextAsync(ct).ConfigureAwait(false);
            Interlocked.Exchange(ref _lastChangeId, changeId);
            index.MarkLoaded();
            metrics.IndexChangeId.Set(changeId);
            logger.IndexLoaded(banks.Count, entries, clock.ElapsedMilliseconds, changeId);
        }
        finally
        {
            _gate.Release();
        }
        await CatchUpAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Applies every change-feed row not yet applied. Does nothing before the first load.</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        if (!index.IsLoaded)
        {
            return;
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            int applied = 0;
            while (true)
            {
                var changes = await store.ReadChangesAsync(LastChangeId, ChangePage, ct).ConfigureAwait(false);
                foreach (var change in changes)
                {
                    await ApplyAsync(change, ct).ConfigureAwait(false);
                    Interlocked.Exchange(ref _lastChangeId, change.Id);
                    applied++;
                }
                if (changes.Count < ChangePage)
                {
                    break;
                }
            }
            if (applied > 0)
            {
                metrics.IndexChangeId.Set(LastChangeId);
                logger.IndexChangesApplied(applied, LastChangeId);
            }
        }
        finally
        {
            _gate.Release();
        }
        // Outside the gate: hash changes keep flowing while the text lists compile, and checks keep the old snapshot meanwhile.
        await RebuildTextAsync(ct).ConfigureAwait(false);
    }

    private async Task RebuildTextAsync(CancellationToken ct)
    {
        if (!textIndex.NeedsRebuild)
        {
            return;
        }
        if (await textIndex.RebuildAsync(ct).ConfigureAwait(false) is { } built)
        {
            metrics.TextSnapshotBuilds.Inc();
            metrics.TextSnapshotEntries.Set(built.Entries);
            logger.TextSnapshotBuilt(built.Entries, built.Refused, built.ElapsedMs);
        }
    }

    private void Upsert(Bank bank)
    {
        if (bank.Kind.IsText())
        {
            textIndex.UpsertBank(bank);
        }
        else
        {
            index.UpsertBank(bank);
        }
    }

    private void Apply(in IndexedEntry entry)
    {
        if (entry.Kind.IsText())
        {
            textIndex.Apply(entry);
        }
        else
        {
            index.Apply(entry);
        }
    }

    private async Task ApplyAsync(BankChange change, CancellationToken ct)
    {
        switch (change.Kind)
        {
            case BankChangeKind.Bank:
                var bank = await store.GetBankByIdAsync(change.BankId, ct).ConfigureAwait(false);
                if (bank is null)
                {
                    index.RemoveBank(change.BankId);
                    textIndex.RemoveBank(change.BankId);
                }
                else
                {
                    Upsert(bank);
                }
                break;
            case BankChangeKind.Entries:
                await foreach (var entry in store.ReadEntryRangeAsync(change.BankId, change.FirstEntryId, change.LastEntryId, ct).ConfigureAwait(false))
                {
                    Apply(entry);
                }
                break;
            default:
                break;
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }
}
