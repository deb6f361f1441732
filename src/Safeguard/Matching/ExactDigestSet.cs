// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Safeguard.Matching;

/// <summary>The exact digests Safeguard stores, by their byte length.</summary>
public enum DigestKind
{
    /// <summary>MD5, 16 bytes.</summary>
    Md5 = 16,

    /// <summary>SHA-1, 20 bytes.</summary>
    Sha1 = 20,

    /// <summary>SHA-256, 32 bytes.</summary>
    Sha256 = 32,
}

/// <summary>
/// A set of exact file digests of one kind, each with the ids of the entries that hold it.
/// Safe for concurrent readers and writers: lookups take no lock, writers serialise; an added
/// digest is found by the next lookup and a removed id is never returned again. Snapshots are
/// saved and loaded in a versioned file (docs/formats.md, "Exact digest set").
/// </summary>
public sealed class ExactDigestSet
{
    /// <summary>The format version <see cref="Save(Stream)"/> writes.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "SGDIGSET"u8;

    // Readers see only immutable id arrays, swapped whole.
    private readonly ConcurrentDictionary<DigestKey, long[]> _byDigest = new();
    private readonly Dictionary<long, DigestKey> _byId = [];
    private readonly Lock _writeGate = new();
    private int _count;

    /// <summary>Creates an empty set for digests of <paramref name="kind"/>.</summary>
    public ExactDigestSet(DigestKind kind)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "MD5, SHA-1 or SHA-256");
        }
        Kind = kind;
    }

    /// <summary>The digest kind this set holds.</summary>
    public DigestKind Kind { get; }

    /// <summary>Number of entries (ids).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Adds <paramref name="digest"/> under <paramref name="id"/>; an existing id is replaced.</summary>
    public void Add(ReadOnlySpan<byte> digest, long id)
    {
        var key = KeyOf(digest);
        lock (_writeGate)
        {
            RemoveLocked(id);
            _byId[id] = key;
            _byDigest[key] = _byDigest.TryGetValue(key, out var ids) ? [.. ids, id] : [id];
            Volatile.Write(ref _count, _byId.Count);
        }
    }

    /// <summary>Removes the entry <paramref name="id"/>. False when absent.</summary>
    public bool Remove(long id)
    {
        lock (_writeGate)
        {
            return RemoveLocked(id);
        }
    }

    /// <summary>Ids of every entry holding <paramref name="digest"/> (empty when none).</summary>
    public IReadOnlyList<long> Lookup(ReadOnlySpan<byte> digest) =>
        _byDigest.TryGetValue(KeyOf(digest), out var ids) ? ids : [];

    private bool RemoveLocked(long id)
    {
        if (!_byId.Remove(id, out var key))
        {
            return false;
        }
        var rest = Array.FindAll(_byDigest[key], x => x != id);
        if (rest.Length == 0)
        {
            _byDigest.TryRemove(key, out _);
        }
        else
        {
            _byDigest[key] = rest;
        }
        Volatile.Write(ref _count, _byId.Count);
        return true;
    }

    private DigestKey KeyOf(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != (int)Kind)
        {
            throw new ArgumentException($"a {Kind} digest is {(int)Kind} bytes, got {digest.Length}", nameof(digest));
        }
        return DigestKey.From(digest);
    }

    /// <summary>Writes a snapshot: every entry, in id order. Writers wait meanwhile; readers do not.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_writeGate)
        {
            Span<byte> header = stackalloc byte[32];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)Kind);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], _byId.Count);
            stream.Write(header);
            int size = (int)Kind;
            Span<byte> record = stackalloc byte[size + 8];
            foreach (var (id, key) in _byId.OrderBy(e => e.Key))
            {
                key.CopyTo(record[..size]);
                BinaryPrimitives.WriteInt64LittleEndian(record[size..], id);
                stream.Write(record);
            }
        }
    }

    /// <summary>Reads a snapshot written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">Not a digest-set file of a known version, or damaged; the message says what.</exception>
    public static ExactDigestSet Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[32];
        ReadExactly(stream, header, "header");
        if (!header[..8].SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a Safeguard digest set (the first 8 bytes are not SGDIGSET)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"digest set format version {version} is not supported (this build reads version {FormatVersion})");
        }
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (!Enum.IsDefined((DigestKind)kind))
        {
            throw new InvalidDataException($"digest set holds digests of {kind} bytes; only 16 (MD5), 20 (SHA-1) and 32 (SHA-256) are defined");
        }
        long count = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        long left = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (count < 0 || count > int.MaxValue || count * (kind + 8) > left)
        {
            throw new InvalidDataException($"digest set is damaged or truncated: {count} entries do not fit in the file");
        }
        var set = new ExactDigestSet((DigestKind)kind);
        Span<byte> record = stackalloc byte[(int)kind + 8];
        long previous = long.MinValue;
        for (long i = 0; i < count; i++)
        {
            ReadExactly(stream, record, $"entry {i}");
            long id = BinaryPrimitives.ReadInt64LittleEndian(record[(int)kind..]);
            if (i > 0 && id <= previous)
            {
                throw new InvalidDataException($"digest set is damaged: ids are not strictly ascending at entry {i}");
            }
            previous = id;
            set.Add(record[..(int)kind], id);
        }
        return set;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        try
        {
            stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"digest set is truncated in the {what}");
        }
    }

    /// <summary>Up to 32 digest bytes as four words, zero-padded: a value key without strings.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct DigestKey(ulong A, ulong B, ulong C, ulong D)
    {
        public static DigestKey From(ReadOnlySpan<byte> digest)
        {
            Span<byte> padded = stackalloc byte[32];
            padded.Clear();
            digest.CopyTo(padded);
            return new DigestKey(
                BinaryPrimitives.ReadUInt64LittleEndian(padded),
                BinaryPrimitives.ReadUInt64LittleEndian(padded[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(padded[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(padded[24..]));
        }

        public void CopyTo(Span<byte> destination)
        {
            Span<byte> padded = stackalloc byte[32];
            BinaryPrimitives.WriteUInt64LittleEndian(padded, A);
            BinaryPrimitives.WriteUInt64LittleEndian(padded[8..], B);
            BinaryPrimitives.WriteUInt64LittleEndian(padded[16..], C);
            BinaryPrimitives.WriteUInt64LittleEndian(padded[24..], D);
            padded[..destination.Length].CopyTo(destination);
        }
    }
}
