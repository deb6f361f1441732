// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Records;

/// <summary>
/// One entry of an append-only, hash-chained log (audit entries, transparency events).
/// <see cref="Hash"/> = SHA-256 over the canonical form of the entry (see <see cref="HashChain"/>),
/// which includes <see cref="PreviousHash"/>, so editing, inserting or deleting any entry breaks
/// every hash after it.
/// </summary>
public sealed record ChainEntry(long Sequence, DateTimeOffset Time, string Kind, string Payload, byte[] PreviousHash, byte[] Hash);

/// <summary>Why verification stopped.</summary>
public enum ChainFault
{
    /// <summary>The chain verified.</summary>
    None,

    /// <summary>An entry's content no longer matches its hash.</summary>
    Edited,

    /// <summary>An entry appears that the chain did not have (duplicate sequence or foreign link).</summary>
    Inserted,

    /// <summary>An entry is missing (a gap in the sequence or a broken link).</summary>
    Deleted,
}

/// <summary>Result of <see cref="HashChain.Verify"/>.</summary>
/// <param name="Fault">What was found first.</param>
/// <param name="Sequence">The sequence number where the first fault was seen (0 when none).</param>
/// <param name="EntriesChecked">Entries that verified before the fault.</param>
/// <param name="Head">Hash of the last verified entry (the chain head when <see cref="Fault"/> is None).</param>
public sealed record ChainVerification(ChainFault Fault, long Sequence, long EntriesChecked, byte[] Head)
{
    /// <summary>True when the whole chain verified.</summary>
    public bool IsValid => Fault == ChainFault.None;
}

/// <summary>
/// The canonical hashing rule of chain format version 1 (documented in docs/formats.md):
/// <c>SHA-256("SGCHAIN1" ‖ u64be(sequence) ‖ i64be(unix ms) ‖ u32be(len(kind)) ‖ kind ‖ u32be(len(payload)) ‖ payload ‖ previousHash)</c>,
/// strings in UTF-8. The first entry has sequence 1 and a previous hash of 32 zero bytes.
/// </summary>
public static class HashChain
{
    /// <summary>Format version written into every hash input.</summary>
    public const string Magic = "SGCHAIN1";

    /// <summary>The previous hash of the first entry: 32 zero bytes.</summary>
    public static byte[] Genesis() => new byte[32];

    /// <summary>Builds the next entry after <paramref name="previous"/> (null for the first).</summary>
    public static ChainEntry Append(ChainEntry? previous, DateTimeOffset time, string kind, string payload)
    {
        long sequence = previous is null ? 1 : previous.Sequence + 1;
        byte[] prevHash = previous?.Hash ?? Genesis();
        // Chain times are stored to the millisecond, so hash what is stored.
        var stored = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        return new ChainEntry(sequence, stored, kind, payload, prevHash, ComputeHash(sequence, stored, kind, payload, prevHash));
    }

    /// <summary>The hash of an entry with these fields.</summary>
    public static byte[] ComputeHash(long sequence, DateTimeOffset time, string kind, string payload, ReadOnlySpan<byte> previousHash)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(payload);
        using var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hasher.AppendData(Encoding.ASCII.GetBytes(Magic));
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hasher.AppendData(number);
        BinaryPrimitives.WriteInt64BigEndian(number, time.ToUnixTimeMilliseconds());
        hasher.AppendData(number);
        AppendString(hasher, kind);
        AppendString(hasher, payload);
        hasher.AppendData(previousHash);
        return hasher.GetHashAndReset();

        static void AppendString(IncrementalHash h, string s)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(s);
            Span<byte> len = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)bytes.Length);
            h.AppendData(len);
            h.AppendData(bytes);
        }
    }

    /// <summary>
    /// Verifies entries in sequence order and reports the first edited, inserted or deleted entry.
    /// </summary>
    public static ChainVerification Verify(IEnumerable<ChainEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        byte[] head = Genesis();
        long expected = 1;
        long checkedCount = 0;
        foreach (var e in entries)
        {
            if (e.Sequence < expected)
            {
                return new ChainVerification(ChainFault.Inserted, e.Sequence, checkedCount, head);
            }
            if (e.Sequence > expected)
            {
                return new ChainVerification(ChainFault.Deleted, expected, checkedCount, head);
            }
            byte[] recomputed = ComputeHash(e.Sequence, e.Time, e.Kind, e.Payload, e.PreviousHash);
            if (!CryptographicOperations.FixedTimeEquals(recomputed, e.Hash))
            {
                return new ChainVerification(ChainFault.Edited, e.Sequence, checkedCount, head);
            }
            if (!CryptographicOperations.FixedTimeEquals(e.PreviousHash, head))
            {
                // A self-consistent entry whose link does not reach the previous one was put there
                // by someone re-hashing: the entry before it was removed or this one inserted.
                return new ChainVerification(ChainFault.Inserted, e.Sequence, checkedCount, head);
            }
            head = e.Hash;
            expected++;
            checkedCount++;
        }
        return new ChainVerification(ChainFault.None, 0, checkedCount, head);
    }

    /// <summary>Lowercase hex of a chain hash.</summary>
    public static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    /// <summary>Formats a chain time the way payloads and exports do (UTC, milliseconds).</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
