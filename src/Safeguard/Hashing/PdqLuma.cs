// SPDX-License-Identifier: Apache-2.0
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Hashing;

/// <summary>How 8-bit colour becomes PDQ luma (specs/pdq.md §4).</summary>
public enum PdqLumaRule
{
    /// <summary>
    /// <c>(float)(R·0.299 + G·0.587 + B·0.114)</c> in double, rounded once: pdqhash-python, hence
    /// python-threatexchange and HMA (the <c>hma</c> preset).
    /// </summary>
    L64,

    /// <summary><c>0.299f·R + 0.587f·G + 0.114f·B</c> in float: the C++ reference (the <c>cpp</c> preset).</summary>
    L32,
}

/// <summary>Converts rows of 8-bit pixels to PDQ luma. Each pixel is independent, so the order of pixels does not matter.</summary>
public static class PdqLuma
{
    /// <summary>Luma of <paramref name="pixels"/> holding <paramref name="channels"/> bytes per pixel (3 = RGB, 4 = RGBA with alpha ignored).</summary>
    public static void FromRgb(ReadOnlySpan<byte> pixels, int channels, Span<float> luma, PdqLumaRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 3);
        int count = pixels.Length / channels;
        ArgumentOutOfRangeException.ThrowIfLessThan(luma.Length, count);
        int done = channels is 3 or 4 && Avx2.IsSupported ? FromRgbAvx2(pixels, channels, luma, count, rule) : 0;
        FromRgbScalar(pixels[(done * channels)..(count * channels)], channels, luma[done..], rule);
    }

    /// <summary>
    /// Eight pixels per step. L32: each lane performs the scalar formula's operations in the same
    /// order and precision (no fused multiply-add). L64: an exact rewriting (<see cref="LumaL64"/>).
    /// Either way the results are identical to <see cref="FromRgbScalar"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FromRgbAvx2(ReadOnlySpan<byte> pixels, int channels, Span<float> luma, int count, PdqLumaRule rule)
    {
        ref byte src = ref MemoryMarshal.GetReference(pixels);
        ref float dst = ref MemoryMarshal.GetReference(luma);
        int p = 0;
        for (; p + 8 <= count && FitsLoad(p, count, channels); p += 8)
        {
            var v = Load8(ref src, (nuint)(p * channels), channels);
            (rule == PdqLumaRule.L64 ? LumaL64(v) : LumaL32(v)).StoreUnsafe(ref dst, (nuint)p);
        }
        return p;
    }

    /// <summary>
    /// Luma of a strip of <paramref name="laneCount"/> rows of RGB or RGBA pixels straight into lanes
    /// (sample c of row k at <c>c · laneCount + k</c>), for <see cref="PdqLumaHasher"/>. False, doing
    /// nothing, when there is no vector path for this layout (then the caller converts row by row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool PixelStripToLanes(ReadOnlySpan<byte> pixels, int channels, Span<float> lanes, int laneCount, int cols, PdqLumaRule rule)
    {
        if (laneCount != 8 || channels is not (3 or 4) || !Avx2.IsSupported)
        {
            return false;
        }
        ref byte src = ref MemoryMarshal.GetReference(pixels);
        ref float dst = ref MemoryMarshal.GetReference(lanes);
        nuint rowBytes = (nuint)(cols * channels);
        int c = 0;
        if (rule == PdqLumaRule.L64)
        {
            for (; c + 8 <= cols && FitsLoad(c, cols, channels); c += 8)
            {
                ref byte block = ref Unsafe.Add(ref src, c * channels);
                PdqTranspose.TransposeStore(
                    LumaL64(Load8(ref block, 0, channels)), LumaL64(Load8(ref block, rowBytes, channels)),
                    LumaL64(Load8(ref block, 2 * rowBytes, channels)), LumaL64(Load8(ref block, 3 * rowBytes, channels)),
                    LumaL64(Load8(ref block, 4 * rowBytes, channels)), LumaL64(Load8(ref block, 5 * rowBytes, channels)),
                    LumaL64(Load8(ref block, 6 * rowBytes, channels)), LumaL64(Load8(ref block, 7 * rowBytes, channels)),
                    ref Unsafe.Add(ref dst, c * 8), 8);
            }
        }
        else
        {
            for (; c + 8 <= cols && FitsLoad(c, cols, channels); c += 8)
            {
                ref byte block = ref Unsafe.Add(ref src, c * channels);
                PdqTranspose.TransposeStore(
                    LumaL32(Load8(ref block, 0, channels)), LumaL32(Load8(ref block, rowBytes, channels)),
                    LumaL32(Load8(ref block, 2 * rowBytes, channels)), LumaL32(Load8(ref block, 3 * rowBytes, channels)),
                    LumaL32(Load8(ref block, 4 * rowBytes, channels)), LumaL32(Load8(ref block, 5 * rowBytes, channels)),
                    LumaL32(Load8(ref block, 6 * rowBytes, channels)), LumaL32(Load8(ref block, 7 * rowBytes, channels)),
                    ref Unsafe.Add(ref dst, c * 8), 8);
            }
        }
        if (c < cols)
        {
            // At most 10 pixels: the loop stops within 32 bytes of the row's end.
            Span<float> rest = stackalloc float[16];
            for (int k = 0; k < 8; k++)
            {
                FromRgbScalar(pixels.Slice((k * cols * channels) + (c * channels), (cols - c) * channels), channels, rest, rule);
                for (int x = c; x < cols; x++)
                {
                    lanes[(x * 8) + k] = rest[x - c];
                }
            }
        }
        return true;
    }

    /// <summary>True when the 32-byte load for pixels <paramref name="first"/>…+7 stays inside a row of <paramref name="count"/> pixels (RGB reads 8 bytes past its 24).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FitsLoad(int first, int count, int channels) => channels == 4 || (first * 3) + 32 <= count * 3;

    /// <summary>Eight pixels' R, G and B, each channel as 32-bit integers, by byte shuffles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<int> R, Vector256<int> G, Vector256<int> B) Load8(ref byte source, nuint offset, int channels)
    {
        var bytes = Vector256.LoadUnsafe(ref source, offset);
        if (channels == 4)
        {
            return (Pick(bytes, 0, 4), Pick(bytes, 1, 4), Pick(bytes, 2, 4));
        }
        // Bytes 0–11 (pixels 0–3) to the low half, 12–23 (pixels 4–7) to the high half.
        var halves = Avx2.PermuteVar8x32(bytes.AsInt32(), Vector256.Create(0, 1, 2, 0, 3, 4, 5, 0)).AsByte();
        return (Pick(halves, 0, 3), Pick(halves, 1, 3), Pick(halves, 2, 3));
    }

    /// <summary>Byte <paramref name="first"/> + <paramref name="step"/>·i of each 16-byte half into the low byte of its word i, zeros above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<int> Pick(Vector256<byte> bytes, byte first, byte step)
    {
        const byte Zero = 0x80;
        byte b0 = first, b1 = (byte)(first + step), b2 = (byte)(first + (2 * step)), b3 = (byte)(first + (3 * step));
        var indices = Vector256.Create(b0, Zero, Zero, Zero, b1, Zero, Zero, Zero, b2, Zero, Zero, Zero, b3, Zero, Zero, Zero,
            b0, Zero, Zero, Zero, b1, Zero, Zero, Zero, b2, Zero, Zero, Zero, b3, Zero, Zero, Zero);
        return Avx2.Shuffle(bytes, indices).AsInt32();
    }

    /// <summary>
    /// L64 of eight pixels: <c>(float)(R·0.299 + G·0.587 + B·0.114)</c> in double equals
    /// <c>(299·R + 587·G + 114·B) / 1000</c> rounded once to float, because the exact value is never
    /// within the double computation's error of a float rounding boundary (a multiple of 1/1000 is
    /// never halfway between two floats, and is at least 1/(1000·2^34) from such a point, against a
    /// double error under 10^-13). The integer sum is under 2^24, so it is exact in float; the one
    /// IEEE division rounds correctly. Checked against the double formula for all 2^24 colours (test).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LumaL64((Vector256<int> R, Vector256<int> G, Vector256<int> B) pixels)
    {
        var r = Avx.ConvertToVector256Single(pixels.R);
        var g = Avx.ConvertToVector256Single(pixels.G);
        var b = Avx.ConvertToVector256Single(pixels.B);
        // Every product and partial sum is an integer under 2^24, so exact in float (fused or not).
        var weighted = Fma.IsSupported
            ? Fma.MultiplyAdd(b, Vector256.Create(114f), Fma.MultiplyAdd(g, Vector256.Create(587f), Avx.Multiply(r, Vector256.Create(299f))))
            : Avx.Add(Avx.Add(Avx.Multiply(r, Vector256.Create(299f)), Avx.Multiply(g, Vector256.Create(587f))), Avx.Multiply(b, Vector256.Create(114f)));
        return Avx.Divide(weighted, Vector256.Create(1000f));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LumaL32((Vector256<int> R, Vector256<int> G, Vector256<int> B) pixels)
    {
        var r = Avx.ConvertToVector256Single(pixels.R);
        var g = Avx.ConvertToVector256Single(pixels.G);
        var b = Avx.ConvertToVector256Single(pixels.B);
        return Avx.Add(Avx.Add(Avx.Multiply(Vector256.Create(0.299f), r), Avx.Multiply(Vector256.Create(0.587f), g)), Avx.Multiply(Vector256.Create(0.114f), b));
    }

    /// <summary>The plain per-pixel formula; the vector path's twin.</summary>
    internal static void FromRgbScalar(ReadOnlySpan<byte> pixels, int channels, Span<float> luma, PdqLumaRule rule)
    {
        int count = pixels.Length / channels;
        if (rule == PdqLumaRule.L64)
        {
            for (int p = 0, i = 0; p < count; p++, i += channels)
            {
                luma[p] = (float)((pixels[i] * 0.299) + (pixels[i + 1] * 0.587) + (pixels[i + 2] * 0.114));
            }
        }
        else
        {
            for (int p = 0, i = 0; p < count; p++, i += channels)
            {
                luma[p] = (0.299f * pixels[i]) + (0.587f * pixels[i + 1]) + (0.114f * pixels[i + 2]);
            }
        }
    }

    /// <summary>Luma of 8-bit grey samples: the value itself (the reference's grey path; L64 gives the same).</summary>
    public static void FromGrey(ReadOnlySpan<byte> grey, Span<float> luma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(luma.Length, grey.Length);
        for (int i = 0; i < grey.Length; i++)
        {
            luma[i] = grey[i];
        }
    }
}
