// SPDX-License-Identifier: Apache-2.0
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Records;
using Safeguard.Security;

namespace Safeguard.Storage;

/// <summary>
/// Everything the server persists, behind one interface with a SQLite and a PostgreSQL implementation.
/// Every change to banks, entries and keys is written in one transaction together with its audit
/// entry (hash chain v1) and, for banks and entries, a change-feed row that other nodes follow.
/// The <c>actor</c> arguments name who made the change (<c>key:ID</c>, <c>cli</c>).
/// </summary>
public interface ISafeguardStore : IAsyncDisposable
{
    /// <summary>Short name of the backing database: <c>sqlite</c> or <c>postgres</c>.</summary>
    string Provider { get; }

    /// <summary>Brings the schema to the newest version; safe to call from several nodes at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The schema version in the database (0 when none).</summary>
    Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken = default);

    // ---- banks

    /// <summary>Creates a bank. Throws <see cref="StoreConflictException"/> when the name is taken.</summary>
    Task<Bank> CreateBankAsync(BankDraft draft, string actor, CancellationToken cancellationToken = default);

    /// <summary>Every bank, by name.</summary>
    Task<IReadOnlyList<Bank>> ListBanksAsync(CancellationToken cancellationToken = default);

    /// <summary>The bank named <paramref name="name"/>, or null.</summary>
    Task<Bank?> GetBankAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The bank with <paramref name="id"/>, or null.</summary>
    Task<Bank?> GetBankByIdAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Applies <paramref name="patch"/>; null when there is no such bank.</summary>
    Task<Bank?> UpdateBankAsync(string name, BankPatch patch, string actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a bank and all its entries; false when there is no such bank.</summary>
    Task<bool> DeleteBankAsync(string name, string actor, CancellationToken cancellationToken = default);

    /// <summary>Live (not deleted) entries per bank id.</summary>
    Task<IReadOnlyDictionary<long, long>> CountEntriesAsync(CancellationToken cancellationToken = default);

    // ---- entries

    /// <summary>Adds one entry to bank <paramref name="bankId"/>.</summary>
    Task<BankEntry> AddEntryAsync(long bankId, NewBankEntry entry, string actor, CancellationToken cancellationToken = default);

    /// <summary>
    /// Adds <paramref name="entries"/> in one transaction with one audit entry: all of them or none.
    /// Returns the id range given to them.
    /// </summary>
    Task<(long FirstId, long LastId)> AddEntriesAsync(long bankId, IReadOnlyList<NewBankEntry> entries, string actor, CancellationToken cancellationToken = default);

    /// <summary>The entry, or null when it is not in that bank.</summary>
    Task<BankEntry?> GetEntryAsync(long bankId, long entryId, CancellationToken cancellationToken = default);

    /// <summary>Entries by id (any bank), for showing match details.</summary>
    Task<IReadOnlyList<BankEntry>> GetEntriesAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken = default);

    /// <summary>A page of a bank's entries with id greater than <paramref name="afterId"/>, in id order.</summary>
    Task<IReadOnlyList<BankEntry>> ListEntriesAsync(long bankId, long afterId, int limit, bool includeDeleted, CancellationToken cancellationToken = default);

    /// <summary>Disables an entry until <paramref name="until"/> (null re-enables it). Null when absent or deleted.</summary>
    Task<BankEntry?> SetEntryDisabledUntilAsync(long bankId, long entryId, DateTimeOffset? until, string actor, CancellationToken cancellationToken = default);

    /// <summary>Marks an entry deleted; false when absent or already deleted.</summary>
    Task<bool> DeleteEntryAsync(long bankId, long entryId, string actor, CancellationToken cancellationToken = default);

    // ---- change feed and index loading

    /// <summary>Id of the newest change-feed row (0 when none).</summary>
    Task<long> GetLatestChangeIdAsync(CancellationToken cancellationToken = default);

    /// <summary>Change-feed rows after <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<BankChange>> ReadChangesAsync(long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every live entry of every bank, for building the index.</summary>
    IAsyncEnumerable<IndexedEntry> ReadLiveEntriesAsync(CancellationToken cancellationToken = default);

    /// <summary>Current state of a bank's entries with ids in [<paramref name="firstId"/>, <paramref name="lastId"/>], deleted ones included.</summary>
    IAsyncEnumerable<IndexedEntry> ReadEntryRangeAsync(long bankId, long firstId, long lastId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns when another writer may have changed the feed, or after <paramref name="timeout"/>.
    /// PostgreSQL wakes on LISTEN/NOTIFY; SQLite simply waits (readers poll).
    /// </summary>
    Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    // ---- API keys

    /// <summary>Stores a new key; returns it and the token, which is shown once and never stored.</summary>
    Task<(ApiKey Key, string Token)> CreateApiKeyAsync(string name, ApiScopes scopes, int? rateLimitPerSecond, string actor, CancellationToken cancellationToken = default);

    /// <summary>The key whose token hashes to <paramref name="tokenHash"/>, revoked or not; null when none.</summary>
    Task<ApiKey?> FindApiKeyAsync(byte[] tokenHash, CancellationToken cancellationToken = default);

    /// <summary>Every key, revoked ones included.</summary>
    Task<IReadOnlyList<ApiKey>> ListApiKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key; false when absent or already revoked.</summary>
    Task<bool> RevokeApiKeyAsync(long id, string actor, CancellationToken cancellationToken = default);

    // ---- audit

    /// <summary>Appends an audit entry for something that is not itself a stored change (e.g. an export).</summary>
    Task<ChainEntry> AppendAuditAsync(string kind, string payload, CancellationToken cancellationToken = default);

    /// <summary>The audit log in sequence order.</summary>
    IAsyncEnumerable<ChainEntry> ReadAuditAsync(CancellationToken cancellationToken = default);

    // ---- checks

    /// <summary>Records a check that matched; returns its id.</summary>
    Task<long> RecordCheckAsync(RecordedCheck check, CancellationToken cancellationToken = default);

    /// <summary>Recorded checks with id greater than <paramref name="afterId"/>, oldest first.</summary>
    Task<IReadOnlyList<RecordedCheck>> ListRecordedChecksAsync(long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds to the per-day, per-key counters of checks without a match.</summary>
    Task AddUnmatchedCheckCountsAsync(IReadOnlyCollection<UnmatchedCheckCount> counts, CancellationToken cancellationToken = default);

    /// <summary>The counters of checks without a match.</summary>
    Task<IReadOnlyList<UnmatchedCheckCount>> ListUnmatchedCheckCountsAsync(CancellationToken cancellationToken = default);
}
