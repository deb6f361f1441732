// SPDX-License-Identifier: Apache-2.0
using System.Data.Common;
using System.Runtime.CompilerServices;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Storage;

/// <summary>The transparency record log (schema step 4) on the same database as everything else.</summary>
public abstract partial class SqlStore
{
    private const string RecordColumns = "sequence, recorded_at, kind, payload, previous_hash, hash";

    private SqlRecordLog? _records;

    /// <summary>
    /// The append-only, hash-chained transparency record log (chain format v1) in table
    /// <c>transparency_records</c>. Entries are stored exactly as <see cref="HashChain"/> builds them.
    /// </summary>
    public IRecordLog Records => _records ??= new SqlRecordLog(this);

    /// <summary>
    /// Begins the transaction of one record append, holding a lock that serialises appenders so two
    /// never read the same head. By default the store's writer lock; PostgreSQL uses a lock of its own
    /// so record appends do not queue behind a long bank import.
    /// </summary>
    protected virtual ValueTask<DbTransaction> BeginRecordAppendAsync(DbConnection connection, CancellationToken ct) => BeginWriteAsync(connection, ct);

    private sealed class SqlRecordLog(SqlStore store) : IRecordLog
    {
        public async Task<ChainEntry> AppendAsync(string kind, string payload, DateTimeOffset recordedAt, CancellationToken cancellationToken = default)
        {
            ArgumentException.ThrowIfNullOrEmpty(kind);
            ArgumentNullException.ThrowIfNull(payload);
            await using var c = await store.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await store.BeginRecordAppendAsync(c, cancellationToken).ConfigureAwait(false);
            var previous = (await ReadAllAsync(c, tx, $"SELECT {RecordColumns} FROM transparency_records ORDER BY sequence DESC LIMIT 1", ReadChainEntry, cancellationToken)
                .ConfigureAwait(false)).FirstOrDefault();
            var entry = HashChain.Append(previous, recordedAt, kind, payload);
            await Db.ExecuteAsync(c, tx, $"INSERT INTO transparency_records ({RecordColumns}) VALUES (@s, @t, @k, @p, @prev, @h)", cancellationToken,
                ("@s", entry.Sequence), ("@t", Db.ToUnixMs(entry.Time)), ("@k", entry.Kind), ("@p", entry.Payload), ("@prev", entry.PreviousHash), ("@h", entry.Hash)).ConfigureAwait(false);
            // Once the commit starts it must finish: a cancelled commit would leave the caller unsure whether the record exists.
            await tx.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            return entry;
        }

        public async IAsyncEnumerable<ChainEntry> ReadAsync(long fromSequence = 1, long toSequence = long.MaxValue, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var e in store.StreamAsync($"SELECT {RecordColumns} FROM transparency_records WHERE sequence >= @from AND sequence <= @to ORDER BY sequence",
                ReadChainEntry, cancellationToken, ("@from", fromSequence), ("@to", toSequence)).ConfigureAwait(false))
            {
                yield return e;
            }
        }

        public async Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken = default)
        {
            var last = (await store.QueryAsync($"SELECT {RecordColumns} FROM transparency_records ORDER BY sequence DESC LIMIT 1", ReadChainEntry, cancellationToken)
                .ConfigureAwait(false)).FirstOrDefault();
            return last is null ? ChainHead.Empty : ChainHead.Of(last);
        }
    }
}
