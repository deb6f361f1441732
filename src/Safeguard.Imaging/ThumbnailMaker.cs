// SPDX-License-Identifier: Apache-2.0
using SkiaSharp;

namespace Safeguard.Imaging;

/// <summary>
/// Makes the reduced-size still a review case keeps as evidence: the longer side at most
/// <see cref="MaxSide"/> pixels, JPEG, the first frame only (so nothing can play). Reviewers see
/// this, never the upload; the original is not kept.
/// </summary>
public static class ThumbnailMaker
{
    /// <summary>Longest side of a thumbnail, in pixels.</summary>
    public const int MaxSide = 320;

    /// <summary>
    /// A JPEG thumbnail of <paramref name="image"/>, or null when Skia cannot decode it (TIFF,
    /// damaged files). Call only for images already accepted by <see cref="ImageHasher"/>, which
    /// bounds their pixel count.
    /// </summary>
    public static byte[]? MakeJpeg(ReadOnlySpan<byte> image, int quality = 80)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return null;
        }
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            return null;
        }
        using var full = SKBitmap.Decode(codec);
        if (full is null)
        {
            return null;
        }
        double scale = Math.Min(1.0, (double)MaxSide / Math.Max(info.Width, info.Height));
        int w = Math.Max(1, (int)Math.Round(info.Width * scale));
        int h = Math.Max(1, (int)Math.Round(info.Height * scale));
        using var small = full.Resize(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        if (small is null)
        {
            return null;
        }
        using var encoded = small.Encode(SKEncodedImageFormat.Jpeg, Math.Clamp(quality, 1, 100));
        return encoded?.ToArray();
    }
}
