// SPDX-License-Identifier: Apache-2.0
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
        int done = channels == 4 && Avx2.IsSupported ? FromRgbaAvx2(pixels, luma, count, rule) : 0;
        FromRgbScalar(pixels[(done * channels)..(count * channels)], channels, luma[done..], rule);
    }

    /// <summary>
    /// Four (L64) or eight (L32) RGBA pixels per step. Each lane performs the scalar formula's
    /// operations in the same order and precision (no fused multiply-add), so results are identical
    /// to <see cref="FromRgbScalar"/>.
    /// </summary>
    private static int FromRgbaAvx2(ReadOnlySpan<byte> pixels, Span<float> luma, int count, PdqLumaRule rule)
    {
        ref byte src = ref MemoryMarshal.GetReference(pixels);
        ref float dst = ref MemoryMarshal.GetReference(luma);
        var mask = Vector256.Create(0xFF);
        int p = 0;
        if (rule == PdqLumaRule.L64)
        {
            var cr = Vector256.Create(0.299);
            var cg = Vector256.Create(0.587);
            var cb = Vector256.Create(0.114);
            var mask128 = Vector128.Create(0xFF);
            for (; p + 4 <= count; p += 4)
            {
                var v = Vector128.LoadUnsafe(ref src, (nuint)(p * 4)).AsInt32();
                var r = Avx.ConvertToVector256Double(v & mask128);
                var g = Avx.ConvertToVector256Double(Sse2.ShiftRightLogical(v, 8) & mask128);
                var b = Avx.ConvertToVector256Double(Sse2.ShiftRightLogical(v, 16) & mask128);
                var y = Avx.Add(Avx.Add(Avx.Multiply(r, cr), Avx.Multiply(g, cg)), Avx.Multiply(b, cb));
                Avx.ConvertToVector128Single(y).StoreUnsafe(ref dst, (nuint)p);
            }
            return p;
        }
        var fr = Vector256.Create(0.299f);
        var fg = Vector256.Create(0.587f);
        var fb = Vector256.Create(0.114f);
        for (; p + 8 <= count; p += 8)
        {
            var v = Vector256.LoadUnsafe(ref src, (nuint)(p * 4)).AsInt32();
            var r = Avx.ConvertToVector256Single(v & mask);
            var g = Avx.ConvertToVector256Single(Avx2.ShiftRightLogical(v, 8) & mask);
            var b = Avx.ConvertToVector256Single(Avx2.ShiftRightLogical(v, 16) & mask);
            var y = Avx.Add(Avx.Add(Avx.Multiply(fr, r), Avx.Multiply(fg, g)), Avx.Multiply(fb, b));
            y.StoreUnsafe(ref dst, (nuint)p);
        }
        return p;
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
