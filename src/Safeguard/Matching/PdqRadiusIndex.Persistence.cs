// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Safeguard.Matching;

/// <summary>Snapshot file, format version 1 (docs/formats.md, "PDQ match index").</summary>
public sealed partial class PdqRadiusIndex
{
    /// <summary>The format version <see cref="Save(Stream)"/> writes.</summary>
    public const int FormatVersion = 1;

    private const int Align = 64;
    private const int MaxSegmentsInFile = 4096;
    private const long MaxEntriesPerSegment = (1L << 29) - 1;
    private static ReadOnlySpan<byte> FileMagic => "SGPDQIDX"u8;
    private static ReadOnlySpan<byte> SegmentMagic => "SGSEGMNT"u8;
    private static ReadOnlySpan<byte> AppendMagic => "SGAPPEND"u8;
    private static ReadOnlySpan<byte> EndMagic => "SGPDQEND"u8;

    /// <summary>Writes a snapshot to <paramref name="path"/> (through a temporary file, then renamed, so a reader never sees half a file).</summary>
    public void Save(string path)
    {
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            Save(stream);
        }
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Writes a snapshot of the current contents. Writers wait meanwhile; readers do not.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the index file is little-endian and is written only on little-endian machines");
        }
        lock (_write)
        {
            var state = _state;
            var writer = new AlignedWriter(stream);
            var appendCodes = new List<ulong>();
            var appendIds = new List<long>();
            foreach (var buffer in state.Frozen.Append(state.Append))
            {
                var codes = buffer.Codes;
                var ids = buffer.Ids;
                for (int i = 0; i < ids.Length; i++)
                {
                    if (!buffer.IsRemoved(i))
                    {
                        appendCodes.AddRange(codes.Slice(i * 4, 4));
                        appendIds.Add(ids[i]);
                    }
                }
            }

            Span<byte> header = stackalloc byte[Align];
            header.Clear();
            FileMagic.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // bit permutation id: identity
            BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)state.Segments.Length);
            BinaryPrimitives.WriteInt64LittleEndian(header[24..], appendIds.Count);
            writer.Write(header);

            foreach (var segment in state.Segments)
            {
                WriteSegment(writer, segment);
            }

            header.Clear();
            AppendMagic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[8..], appendIds.Count);
            writer.Write(header);
            writer.WriteSection(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(appendCodes)));
            writer.WriteSection(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(appendIds)));
            writer.Write(EndMagic);
            stream.Flush();
        }
    }

    private static void WriteSegment(AlignedWriter writer, MihSegment segment)
    {
        var layout = segment.Layout;
        var groups = segment.Groups.OrderBy(g => g.Key).ToList();
        Span<byte> header = stackalloc byte[Align];
        header.Clear();
        SegmentMagic.CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], segment.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], segment.Heads);
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)layout.Tables);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)groups.Count);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], groups.Sum(g => (long)g.Value.Length));
        writer.Write(header);

        var descriptors = new byte[layout.Tables * 16];
        for (int j = 0; j < layout.Tables; j++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(descriptors.AsSpan(j * 16), (uint)layout.Length(j));
            BinaryPrimitives.WriteUInt32LittleEndian(descriptors.AsSpan((j * 16) + 4), (uint)layout.DirectoryBits(j));
            BinaryPrimitives.WriteUInt32LittleEndian(descriptors.AsSpan((j * 16) + 8), (uint)layout.ResidualBits(j));
        }
        writer.WriteSection(descriptors);
        writer.WriteSection(MemoryMarshal.AsBytes(segment.Codes));
        writer.WriteSection(MemoryMarshal.AsBytes(segment.Ids));
        writer.WriteSection(MemoryMarshal.AsBytes(segment.Tombstones));
        for (int j = 0; j < layout.Tables; j++)
        {
            writer.WriteSection(MemoryMarshal.AsBytes(segment.Directories[j].AsSpan()));
            writer.WriteSection(MemoryMarshal.AsBytes(segment.TableIds[j].AsSpan()));
            if (segment.Residuals[j] is { } residual)
            {
                writer.WriteSection(residual);
            }
        }
        var groupWords = new List<uint>();
        foreach (var (head, members) in groups)
        {
            groupWords.Add((uint)head);
            groupWords.Add((uint)members.Length);
            foreach (int member in members)
            {
                groupWords.Add((uint)member);
            }
        }
        writer.WriteSection(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(groupWords)));
    }

    /// <summary>Loads a snapshot written by <see cref="Save(string)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not an index file of a known version, or is damaged; the message says what is wrong.</exception>
    public static PdqRadiusIndex Load(string path, PdqIndexOptions? options = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        return Load(stream, options);
    }

    /// <summary>Loads a snapshot from <paramref name="stream"/>.</summary>
    /// <exception cref="InvalidDataException">The data is not an index file of a known version, or is damaged.</exception>
    public static PdqRadiusIndex Load(Stream stream, PdqIndexOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the index file is little-endian and is read only on little-endian machines");
        }
        options ??= PdqIndexOptions.Default;
        var reader = new AlignedReader(stream);
        Span<byte> header = stackalloc byte[Align];
        reader.Read(header, "file header");
        if (!header[..8].SequenceEqual(FileMagic))
        {
            throw new InvalidDataException("not a Safeguard PDQ index file (the first 8 bytes are not SGPDQIDX)");
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"index file format version {version} is not supported (this build reads version {FormatVersion})");
        }
        uint permutation = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (permutation != 0)
        {
            throw new InvalidDataException($"index file uses bit permutation {permutation}; only 0 (identity) is defined");
        }
        uint segmentCount = BinaryPrimitives.ReadUInt32LittleEndian(header[16..]);
        if (segmentCount > MaxSegmentsInFile)
        {
            throw new InvalidDataException($"index file claims {segmentCount} segments (at most {MaxSegmentsInFile})");
        }
        var segments = new MihSegment[segmentCount];
        for (int s = 0; s < segmentCount; s++)
        {
            segments[s] = ReadSegment(reader, s);
        }
        reader.Read(header, "append header");
        if (!header[..8].SequenceEqual(AppendMagic))
        {
            throw new InvalidDataException("index file is damaged: the append section is missing");
        }
        long appendCount = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        reader.CheckCount(appendCount, 40, "append entries");
        var appendCodes = GC.AllocateUninitializedArray<ulong>((int)appendCount * 4);
        var appendIds = GC.AllocateUninitializedArray<long>((int)appendCount);
        reader.ReadSection(MemoryMarshal.AsBytes(appendCodes.AsSpan()), "append codes");
        reader.ReadSection(MemoryMarshal.AsBytes(appendIds.AsSpan()), "append ids");
        Span<byte> end = stackalloc byte[8];
        reader.Read(end, "end marker");
        if (!end.SequenceEqual(EndMagic))
        {
            throw new InvalidDataException("index file is damaged: the end marker is missing");
        }
        var ids = new HashSet<long>();
        var append = new AppendBuffer((int)Math.Max(InitialAppendCapacity, appendCount));
        for (int i = 0; i < appendCount; i++)
        {
            if (!ids.Add(appendIds[i]))
            {
                throw new InvalidDataException($"index file is damaged: append id {appendIds[i]} appears twice");
            }
            append.TryAppend(appendCodes[i * 4], appendCodes[(i * 4) + 1], appendCodes[(i * 4) + 2], appendCodes[(i * 4) + 3], appendIds[i]);
        }
        return new PdqRadiusIndex(options, segments, append);
    }

    private static MihSegment ReadSegment(AlignedReader reader, int index)
    {
        string where = $"segment {index}";
        Span<byte> header = stackalloc byte[Align];
        reader.Read(header, where + " header");
        if (!header[..8].SequenceEqual(SegmentMagic))
        {
            throw new InvalidDataException($"index file is damaged: {where} does not start with SGSEGMNT");
        }
        long n = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        long heads = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        uint m = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        uint groupCount = BinaryPrimitives.ReadUInt32LittleEndian(header[28..]);
        long memberCount = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
        if (n is < 0 or > MaxEntriesPerSegment || heads < 0 || heads > n || m > 64 || (m is > 0 and < 4) ||
            groupCount > n || memberCount < 0 || memberCount > n || heads + memberCount != n)
        {
            throw new InvalidDataException($"index file is damaged: {where} has inconsistent counts (entries {n}, distinct {heads}, tables {m}, groups {groupCount}, members {memberCount})");
        }
        reader.CheckCount(n, 40, where + " entries");
        var descriptors = new byte[m * 16];
        reader.ReadSection(descriptors, where + " table descriptors");
        var lengths = new int[m];
        var dirBits = new int[m];
        int total = 0;
        for (int j = 0; j < m; j++)
        {
            lengths[j] = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(descriptors.AsSpan(j * 16)), 65u);
            dirBits[j] = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(descriptors.AsSpan((j * 16) + 4)), 65u);
            uint residualBits = BinaryPrimitives.ReadUInt32LittleEndian(descriptors.AsSpan((j * 16) + 8));
            if (lengths[j] is < 1 or > 64 || dirBits[j] < 1 || dirBits[j] > Math.Min(24, lengths[j]) || residualBits != Math.Min(8, lengths[j] - dirBits[j]))
            {
                throw new InvalidDataException($"index file is damaged: {where} table {j} has piece {lengths[j]} bits, directory {dirBits[j]} bits, residual {residualBits} bits");
            }
            total += lengths[j];
        }
        if (m > 0 && total != 256)
        {
            throw new InvalidDataException($"index file is damaged: {where} pieces cover {total} bits, not 256");
        }
        var layout = m == 0 ? MihLayout.ScanOnly : new MihLayout(lengths, dirBits);

        var codes = GC.AllocateUninitializedArray<ulong>((int)n * 4);
        var ids = GC.AllocateUninitializedArray<long>((int)n);
        var tombstones = new ulong[(n + 63) / 64];
        reader.ReadSection(MemoryMarshal.AsBytes(codes.AsSpan()), where + " codes");
        reader.ReadSection(MemoryMarshal.AsBytes(ids.AsSpan()), where + " ids");
        reader.ReadSection(MemoryMarshal.AsBytes(tombstones.AsSpan()), where + " tombstones");
        for (int i = 1; i < n; i++)
        {
            if (ids[i] <= ids[i - 1])
            {
                throw new InvalidDataException($"index file is damaged: {where} ids are not strictly ascending at entry {i}");
            }
        }
        if (n % 64 != 0 && (tombstones[^1] >> (int)(n % 64)) != 0)
        {
            throw new InvalidDataException($"index file is damaged: {where} has tombstones past its last entry");
        }

        var directories = new uint[m][];
        var tableIds = new uint[m][];
        var residuals = new byte[]?[m];
        for (int j = 0; j < m; j++)
        {
            reader.CheckCount((1L << dirBits[j]) + 1, 4, $"{where} table {j} directory");
            directories[j] = GC.AllocateUninitializedArray<uint>((1 << dirBits[j]) + 1);
            tableIds[j] = GC.AllocateUninitializedArray<uint>((int)heads);
            reader.ReadSection(MemoryMarshal.AsBytes(directories[j].AsSpan()), $"{where} table {j} directory");
            reader.ReadSection(MemoryMarshal.AsBytes(tableIds[j].AsSpan()), $"{where} table {j} ids");
            if (layout.ResidualBits(j) > 0)
            {
                residuals[j] = GC.AllocateUninitializedArray<byte>((int)heads);
                reader.ReadSection(residuals[j], $"{where} table {j} residual bytes");
            }
            CheckTable(directories[j], tableIds[j], (uint)n, $"{where} table {j}");
        }

        reader.CheckCount((2L * groupCount) + memberCount, 4, where + " groups");
        var groupWords = new uint[(2 * groupCount) + memberCount];
        reader.ReadSection(MemoryMarshal.AsBytes(groupWords.AsSpan()), where + " groups");
        var groups = new Dictionary<int, int[]>((int)groupCount);
        long pos = 0;
        for (int g = 0; g < groupCount; g++)
        {
            uint head = groupWords[pos];
            long size = groupWords[pos + 1];
            pos += 2;
            if (head >= n || size == 0 || pos + size > groupWords.Length || groups.ContainsKey((int)head))
            {
                throw new InvalidDataException($"index file is damaged: {where} group {g} is out of range");
            }
            var members = new int[size];
            for (int k = 0; k < size; k++)
            {
                uint member = groupWords[pos + k];
                if (member >= n)
                {
                    throw new InvalidDataException($"index file is damaged: {where} group {g} names entry {member} of {n}");
                }
                members[k] = (int)member;
            }
            pos += size;
            groups[(int)head] = members;
        }
        if (pos != groupWords.Length)
        {
            throw new InvalidDataException($"index file is damaged: {where} group section has {groupWords.Length - pos} words left over");
        }
        return new MihSegment(codes, ids, tombstones, layout, directories, tableIds, residuals, groups, (int)heads);
    }

    private static void CheckTable(uint[] directory, uint[] ids, uint entries, string where)
    {
        if (directory[0] != 0 || directory[^1] != ids.Length)
        {
            throw new InvalidDataException($"index file is damaged: {where} directory does not span its ids");
        }
        for (int p = 1; p < directory.Length; p++)
        {
            if (directory[p] < directory[p - 1])
            {
                throw new InvalidDataException($"index file is damaged: {where} directory decreases at slot {p}");
            }
        }
        foreach (uint id in ids)
        {
            if (id >= entries)
            {
                throw new InvalidDataException($"index file is damaged: {where} names entry {id} of {entries}");
            }
        }
    }

    /// <summary>Writes sections padded with zeros to 64-byte boundaries.</summary>
    private sealed class AlignedWriter(Stream stream)
    {
        private long _position;

        public void Write(ReadOnlySpan<byte> bytes)
        {
            stream.Write(bytes);
            _position += bytes.Length;
        }

        public void WriteSection(ReadOnlySpan<byte> bytes)
        {
            Write(bytes);
            int pad = (int)((Align - (_position % Align)) % Align);
            Span<byte> zeros = stackalloc byte[Align];
            zeros.Clear();
            Write(zeros[..pad]);
        }
    }

    /// <summary>Reads sections padded to 64-byte boundaries; refuses counts the stream cannot hold.</summary>
    private sealed class AlignedReader(Stream stream)
    {
        private long _position;

        public void Read(Span<byte> destination, string what)
        {
            try
            {
                stream.ReadExactly(destination);
            }
            catch (EndOfStreamException)
            {
                throw new InvalidDataException($"index file is truncated in the {what}");
            }
            _position += destination.Length;
        }

        public void ReadSection(Span<byte> destination, string what)
        {
            Read(destination, what);
            int pad = (int)((Align - (_position % Align)) % Align);
            Span<byte> padding = stackalloc byte[Align];
            Read(padding[..pad], what + " padding");
            if (padding[..pad].ContainsAnyExcept((byte)0))
            {
                throw new InvalidDataException($"index file is damaged: non-zero padding after the {what}");
            }
        }

        /// <summary>Refuses a count whose bytes could not be in the rest of the stream, before anything is allocated for it.</summary>
        public void CheckCount(long count, int bytesEach, string what)
        {
            long left = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
            if (count < 0 || count > int.MaxValue / 8 || count * bytesEach > left)
            {
                throw new InvalidDataException($"index file is damaged or truncated: {count} {what} do not fit in the file");
            }
        }
    }
}
