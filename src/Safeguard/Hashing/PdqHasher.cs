// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.InteropServices;

namespace Safeguard.Hashing;

/// <summary>
/// PDQ hashing of a luma or 8-bit pixel buffer, bit-exact with Meta's C++ reference
/// (specs/pdq.md §4–§12). Decoding files is <c>Safeguard.Imaging</c>'s job; this is the core.
/// </summary>
public static class PdqHasher
{
    /// <summary>Images with a side under this many pixels hash to zero with quality 0 (the reference's <c>MIN_HASHABLE_DIM</c>).</summary>
    public const int MinHashableDimension = 5;

    private const int Side = 64;
    private const int DctSide = 16;

    /// <summary>Hashes a row-major luma buffer of <paramref name="rows"/> × <paramref name="cols"/>.</summary>
    public static PdqHashResult HashLuma(ReadOnlySpan<float> luma, int rows, int cols, bool dihedral = false)
    {
        CheckLength(luma.Length, rows, cols, 1);
        using var hasher = new PdqLumaHasher(rows, cols);
        for (int i = 0; i < rows && !hasher.TooSmall; i++)
        {
            hasher.AddRow(luma.Slice(i * cols, cols));
        }
        return hasher.TooSmall ? ZeroResult(dihedral) : hasher.Finish(dihedral);
    }

    /// <summary>
    /// Hashes 8-bit pixels, <paramref name="channels"/> bytes each (1 = grey, 3 = RGB, 4 = RGBA with
    /// alpha ignored), row-major without padding, using <paramref name="rule"/> for colour.
    /// </summary>
    public static PdqHashResult HashPixels(ReadOnlySpan<byte> pixels, int rows, int cols, int channels, PdqLumaRule rule, bool dihedral = false)
    {
        if (channels is not (1 or 3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "1 (grey), 3 (RGB) or 4 (RGBA) bytes per pixel");
        }
        CheckLength(pixels.Length, rows, cols, channels);
        using var hasher = new PdqLumaHasher(rows, cols);
        if (hasher.TooSmall)
        {
            return ZeroResult(dihedral);
        }
        var row = new float[cols];
        int rowBytes = cols * channels;
        for (int i = 0; i < rows; i++)
        {
            var source = pixels.Slice(i * rowBytes, rowBytes);
            if (channels == 1)
            {
                PdqLuma.FromGrey(source, row);
            }
            else
            {
                PdqLuma.FromRgb(source, channels, row, rule);
            }
            hasher.AddRow(row);
        }
        return hasher.Finish(dihedral);
    }

    private static void CheckLength(int length, int rows, int cols, int perPixel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        long needed = (long)rows * cols * perPixel;
        if (length < needed)
        {
            throw new ArgumentException($"a {rows} × {cols} image needs {needed} values; got {length}");
        }
    }

    internal static PdqHashResult ZeroResult(bool dihedral) =>
        new(Hash256.Zero, 0, dihedral ? new Hash256[8] : null, TooSmall: true);

    /// <summary>Quality, DCT, median and bits from the 64 × 64 buffer (§8–§12).</summary>
    internal static PdqHashResult HashDecimated(ReadOnlySpan<float> decimated, bool dihedral)
    {
        int quality = Quality(decimated);
        Span<float> dct = stackalloc float[DctSide * DctSide];
        Dct64To16(decimated, dct);
        var hash = Threshold(dct);
        if (!dihedral)
        {
            return new PdqHashResult(hash, quality, null, TooSmall: false);
        }
        var hashes = new Hash256[8];
        hashes[(int)PdqDihedral.Original] = hash;
        Span<float> transformed = stackalloc float[DctSide * DctSide];
        for (int d = 1; d < 8; d++)
        {
            Transform(dct, transformed, (PdqDihedral)d);
            hashes[d] = Threshold(transformed);
        }
        return new PdqHashResult(hash, quality, hashes, TooSmall: false);
    }

    /// <summary>The reference's image-domain quality metric (§8).</summary>
    internal static int Quality(ReadOnlySpan<float> a)
    {
        int sum = 0;
        for (int i = 0; i < Side - 1; i++)
        {
            for (int j = 0; j < Side; j++)
            {
                float u = a[(i * Side) + j];
                float v = a[((i + 1) * Side) + j];
                int d = (int)(((u - v) * 100f) / 255f);
                sum += Math.Abs(d);
            }
        }
        for (int i = 0; i < Side; i++)
        {
            for (int j = 0; j < Side - 1; j++)
            {
                float u = a[(i * Side) + j];
                float v = a[(i * Side) + j + 1];
                int d = (int)(((u - v) * 100f) / 255f);
                sum += Math.Abs(d);
            }
        }
        return Math.Min(100, sum / 90);
    }

    /// <summary>
    /// <c>B = D · A · Dᵀ</c> (§9.2). Each output element is a sequential float sum over k = 0..63 of
    /// rounded products; vector lanes hold different output elements, never parts of one sum.
    /// </summary>
    internal static void Dct64To16(ReadOnlySpan<float> a, Span<float> b)
    {
        var d = PdqDctMatrix.Values;
        var dTransposed = PdqDctMatrix.Transposed;
        Span<float> t = stackalloc float[DctSide * Side];
        int width = Vector<float>.Count;
        for (int i = 0; i < DctSide; i++)
        {
            var tRow = t.Slice(i * Side, Side);
            tRow.Clear();
            var tVectors = MemoryMarshal.Cast<float, Vector<float>>(tRow);
            for (int k = 0; k < Side; k++)
            {
                var coefficient = new Vector<float>(d[(i * Side) + k]);
                var aVectors = MemoryMarshal.Cast<float, Vector<float>>(a.Slice(k * Side, Side));
                for (int v = 0; v < tVectors.Length; v++)
                {
                    var product = coefficient * aVectors[v];
                    tVectors[v] += product;
                }
                for (int j = tVectors.Length * width; j < Side; j++)
                {
                    float product = d[(i * Side) + k] * a[(k * Side) + j];
                    tRow[j] += product;
                }
            }
        }
        for (int i = 0; i < DctSide; i++)
        {
            var bRow = b.Slice(i * DctSide, DctSide);
            bRow.Clear();
            var bVectors = MemoryMarshal.Cast<float, Vector<float>>(bRow);
            for (int k = 0; k < Side; k++)
            {
                float tValue = t[(i * Side) + k];
                var coefficient = new Vector<float>(tValue);
                var dVectors = MemoryMarshal.Cast<float, Vector<float>>(dTransposed.AsSpan(k * DctSide, DctSide));
                for (int v = 0; v < bVectors.Length; v++)
                {
                    var product = coefficient * dVectors[v];
                    bVectors[v] += product;
                }
                for (int j = bVectors.Length * width; j < DctSide; j++)
                {
                    float product = tValue * dTransposed[(k * DctSide) + j];
                    bRow[j] += product;
                }
            }
        }
    }

    /// <summary>Bit k = 16·i + j is set iff B[i][j] is strictly above the lower median (§10, §11).</summary>
    internal static Hash256 Threshold(ReadOnlySpan<float> b)
    {
        Span<float> sorted = stackalloc float[DctSide * DctSide];
        b.CopyTo(sorted);
        sorted.Sort();
        float median = sorted[127];
        Span<ulong> words = stackalloc ulong[4];
        for (int k = 0; k < 256; k++)
        {
            if (b[k] > median)
            {
                words[k >> 6] |= 1UL << (k & 63);
            }
        }
        return new Hash256(words[0], words[1], words[2], words[3]);
    }

    /// <summary>The DCT of the rotated or flipped image, from the original's (§12).</summary>
    internal static void Transform(ReadOnlySpan<float> a, Span<float> result, PdqDihedral which)
    {
        for (int i = 0; i < DctSide; i++)
        {
            for (int j = 0; j < DctSide; j++)
            {
                float v = a[(i * DctSide) + j];
                bool iOdd = (i & 1) == 1, jOdd = (j & 1) == 1, sumOdd = ((i + j) & 1) == 1;
                switch (which)
                {
                    case PdqDihedral.Original: result[(i * DctSide) + j] = v; break;
                    case PdqDihedral.Rotate90: result[(j * DctSide) + i] = jOdd ? v : -v; break;
                    case PdqDihedral.Rotate180: result[(i * DctSide) + j] = sumOdd ? -v : v; break;
                    case PdqDihedral.Rotate270: result[(j * DctSide) + i] = iOdd ? v : -v; break;
                    case PdqDihedral.FlipX: result[(i * DctSide) + j] = iOdd ? v : -v; break;
                    case PdqDihedral.FlipY: result[(i * DctSide) + j] = jOdd ? v : -v; break;
                    case PdqDihedral.FlipPlus1: result[(j * DctSide) + i] = v; break;
                    case PdqDihedral.FlipMinus1: result[(j * DctSide) + i] = sumOdd ? -v : v; break;
                    default: throw new ArgumentOutOfRangeException(nameof(which));
                }
            }
        }
    }
}

/// <summary>The reference's 16 × 64 DCT matrix (§9.1), computed once in double and rounded to float.</summary>
internal static class PdqDctMatrix
{
    /// <summary>Row-major 16 × 64: <c>Values[i·64 + j] = D[i][j]</c>.</summary>
    public static readonly float[] Values = Compute();

    /// <summary>64 × 16: <c>Transposed[k·16 + j] = D[j][k]</c>.</summary>
    public static readonly float[] Transposed = Transpose(Values);

    private static float[] Compute()
    {
        var d = new float[16 * 64];
        float scale = (float)Math.Sqrt(2.0 / 64.0);
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 64; j++)
            {
                d[(i * 64) + j] = (float)(scale * Math.Cos((Math.PI / 2.0 / 64.0) * (i + 1) * ((2 * j) + 1)));
            }
        }
        return d;
    }

    private static float[] Transpose(float[] d)
    {
        var t = new float[64 * 16];
        for (int i = 0; i < 16; i++)
        {
            for (int k = 0; k < 64; k++)
            {
                t[(k * 16) + i] = d[(i * 64) + k];
            }
        }
        return t;
    }
}
