// SPDX-License-Identifier: Apache-2.0
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
