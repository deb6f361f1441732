// SPDX-License-Identifier: Apache-2.0
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>The last entry of a chain: its sequence (0 for an empty chain) and hash (32 zero bytes when empty).</summary>
public sealed record ChainHead(long Sequence, byte[] Hash)
{
    /// <summary>The head of an empty chain.</summary>
    public static ChainHead Empty { get; } = new(0, HashChain.Genesis());

    /// <summary>Lowercase hex of <see cref="Hash"/>.</summary>
    public string HashHex => HashChain.ToHex(Hash);

    /// <summary>The head after <paramref name="entry"/>.</summary>
    public static ChainHead Of(ChainEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new ChainHead(entry.Sequence, entry.Hash);
    }
}

/// <summary>
/// An append-only, hash-chained record log (chain format v1). Implementations: <see cref="JsonLinesRecordLog"/>
/// (a file); the server adds SQL ones. Entries are never updated or deleted.
/// </summary>
public interface IRecordLog
{
    /// <summary>Appends one entry after the current head and returns it as stored.</summary>
    /// <param name="kind">Entry kind, e.g. <see cref="RecordKinds.Detection"/>.</param>
    /// <param name="payload">Payload text (JSON by convention).</param>
    /// <param name="recordedAt">The time the entry is recorded (stored to the millisecond).</param>
    /// <param name="cancellationToken">Cancels the append before anything is written.</param>
    Task<ChainEntry> AppendAsync(string kind, string payload, DateTimeOffset recordedAt, CancellationToken cancellationToken = default);

    /// <summary>Entries with <paramref name="fromSequence"/> ≤ sequence ≤ <paramref name="toSequence"/>, in order, as stored (not verified).</summary>
    IAsyncEnumerable<ChainEntry> ReadAsync(long fromSequence = 1, long toSequence = long.MaxValue, CancellationToken cancellationToken = default);

    /// <summary>The current head.</summary>
    Task<ChainHead> GetHeadAsync(CancellationToken cancellationToken = default);
}

/// <summary>Typed appends of transparency records.</summary>
public static class RecordLogExtensions
{
    /// <summary>Validates <paramref name="record"/>, serialises it (payload format v1) and appends it.</summary>
    /// <exception cref="RecordFormatException">The record breaks a rule; nothing is appended.</exception>
    public static Task<ChainEntry> AppendRecordAsync(this IRecordLog log, TransparencyRecord record, DateTimeOffset recordedAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(record);
        return log.AppendAsync(record.Kind, RecordCodec.Serialize(record), recordedAt, cancellationToken);
    }

    /// <summary>Every entry up to <paramref name="toSequence"/>, in order.</summary>
    public static async Task<List<ChainEntry>> ReadAllAsync(this IRecordLog log, long toSequence = long.MaxValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var entries = new List<ChainEntry>();
        await foreach (var e in log.ReadAsync(1, toSequence, cancellationToken).ConfigureAwait(false))
        {
            entries.Add(e);
        }
        return entries;
    }
}
