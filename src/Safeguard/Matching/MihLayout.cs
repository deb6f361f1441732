// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Safeguard.Matching;

/// <summary>
/// How a segment cuts 256-bit codes into multi-index-hashing pieces: m consecutive bit ranges,
/// longer pieces first, each with a prefix directory of <see cref="DirectoryBits"/> bits and up
/// to 8 residual bits. Piece j covers bits <c>[Offset(j), Offset(j) + Length(j))</c> of the
/// hash in <see cref="Safeguard.Hashing.Hash256"/> bit numbering (bit k = DCT coefficient k/16, k%16).
/// </summary>
/// <remarks>Bit permutation id 0 (identity) is the only one defined; see docs/matching.md.</remarks>
internal sealed class MihLayout
{
    /// <summary>No table: the segment is searched by scan only.</summary>
    public static readonly MihLayout ScanOnly = new([], []);

    private readonly int[] _lengths;
    private readonly int[] _offsets;
    private readonly int[] _directoryBits;

    public MihLayout(int[] lengths, int[] directoryBits)
    {
        if (lengths.Length != directoryBits.Length)
        {
            throw new ArgumentException("one directory width per piece");
        }
        _lengths = lengths;
        _directoryBits = directoryBits;
        _offsets = new int[lengths.Length];
        int offset = 0;
        for (int j = 0; j < lengths.Length; j++)
        {
            _offsets[j] = offset;
            offset += lengths[j];
        }
        if (lengths.Length > 0 && offset != 256)
        {
            throw new ArgumentException("pieces must cover the 256 bits exactly");
        }
    }

    /// <summary>Number of pieces (tables), m; 0 for a scan-only segment.</summary>
    public int Tables => _lengths.Length;

    public int Offset(int j) => _offsets[j];

    public int Length(int j) => _lengths[j];

    /// <summary>Bits of piece j that index its directory (its top bits).</summary>
    public int DirectoryBits(int j) => _directoryBits[j];

    /// <summary>Bits of piece j kept in the residual byte, just below the directory bits.</summary>
    public int ResidualBits(int j) => Math.Min(8, _lengths[j] - _directoryBits[j]);

    /// <summary>True when directory plus residual bits are the whole piece, so a residual match is a piece match.</summary>
    public bool ResidualIsExact(int j) => _lengths[j] - _directoryBits[j] <= 8;

    /// <summary>
    /// The per-piece search radius for total radius r (spec §5.2): with r = m·r′ + a, the first
    /// a + 1 pieces at r′ and the rest at r′ − 1 (negative: the piece is not probed).
    /// </summary>
    public int PieceRadius(int j, int radius)
    {
        int m = Tables;
        int rPrime = radius / m;
        int a = radius % m;
        return j <= a ? rPrime : rPrime - 1;
    }

    /// <summary>The even split of 256 bits into m pieces, longer pieces first, directories sized for <paramref name="heads"/> distinct codes.</summary>
    public static MihLayout Create(int tables, long heads)
    {
        if (tables == 0)
        {
            return ScanOnly;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(tables, 4);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tables, 64);
        var lengths = new int[tables];
        var dirs = new int[tables];
        int bitsForN = heads <= 2 ? 1 : 64 - BitOperations.LeadingZeroCount((ulong)(heads - 1));
        // About one directory slot per two codes at most: ⌈log2 N⌉ − 1, never over 24 bits (64 MiB).
        int dirCap = Math.Clamp(bitsForN - 1, 1, 24);
        for (int j = 0; j < tables; j++)
        {
            lengths[j] = (256 / tables) + (j < 256 % tables ? 1 : 0);
            dirs[j] = Math.Min(lengths[j], dirCap);
        }
        return new MihLayout(lengths, dirs);
    }

    /// <summary>Reads piece bits <c>[offset, offset + length)</c> of the code held in four words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Extract(ulong w0, ulong w1, ulong w2, ulong w3, int offset, int length)
    {
        int word = offset >> 6;
        int shift = offset & 63;
        ulong lo = word switch { 0 => w0, 1 => w1, 2 => w2, _ => w3 };
        ulong value = lo >> shift;
        if (shift + length > 64)
        {
            ulong hi = word switch { 0 => w1, 1 => w2, _ => w3 };
            value |= hi << (64 - shift);
        }
        return length == 64 ? value : value & ((1UL << length) - 1);
    }

    /// <summary>V(s, ρ): how many s-bit values lie within ρ bits of a given one.</summary>
    public static double BallSize(int length, int radius)
    {
        if (radius < 0)
        {
            return 0;
        }
        double total = 0;
        double term = 1;
        for (int i = 0; i <= Math.Min(radius, length); i++)
        {
            total += term;
            term = term * (length - i) / (i + 1);
        }
        return total;
    }
}

/// <summary>
/// The per-query cost model of spec §5.4 and §7.8: nanoseconds for a multi-index probe, a
/// candidate, and a scanned code. Calibrate with <c>safeguard bench index</c> on the deployment machine.
/// </summary>
public sealed record MatchCostModel
{
    /// <summary>The defaults, fitted on the 2-core development VM (spec §5.4).</summary>
    public static MatchCostModel Default { get; } = new();

    /// <summary>Nanoseconds per directory probe (about one independent memory access).</summary>
    public double ProbeNs { get; init; } = 45;

    /// <summary>Nanoseconds per candidate (id read, code fetch, distance check).</summary>
    public double CandidateNs { get; init; } = 50;

    /// <summary>Nanoseconds per code scanned by one thread.</summary>
    public double ScanNsPerCode { get; init; } = 3;

    /// <summary>The radius the piece count m is chosen for when a segment is built.</summary>
    public int DesignRadius { get; init; } = 31;

    /// <summary>Segments with fewer distinct codes than this get no tables: a scan is cheaper.</summary>
    public int MinCodesForTables { get; init; } = 4096;

    /// <summary>A fixed piece count m (4–64) for every segment instead of the model's choice; 0: the model chooses.</summary>
    public int FixedTables { get; init; }

    internal double ScanCost(long codes) => codes * ScanNsPerCode;

    internal double MihCost(MihLayout layout, long heads, int radius)
    {
        double probes = 0;
        double candidates = 0;
        for (int j = 0; j < layout.Tables; j++)
        {
            int rho = layout.PieceRadius(j, radius);
            if (rho < 0)
            {
                continue;
            }
            double ball = MihLayout.BallSize(layout.Length(j), rho);
            probes += ball;
            candidates += heads * ball / Math.Pow(2, layout.Length(j));
        }
        return (ProbeNs * probes) + (CandidateNs * candidates);
    }

    /// <summary>The piece count with the lowest modelled cost at <see cref="DesignRadius"/>; 0 (scan only) for small segments.</summary>
    internal int ChooseTables(long heads)
    {
        if (FixedTables > 0)
        {
            return heads == 0 ? 0 : FixedTables;
        }
        if (heads < MinCodesForTables)
        {
            return 0;
        }
        int best = 0;
        double bestCost = double.MaxValue;
        for (int m = 8; m <= 40; m++)
        {
            double cost = MihCost(MihLayout.Create(m, heads), heads, DesignRadius);
            if (cost < bestCost)
            {
                bestCost = cost;
                best = m;
            }
        }
        return bestCost < ScanCost(heads) ? best : 0;
    }
}
