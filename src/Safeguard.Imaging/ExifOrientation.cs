// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging;

/// <summary>
/// Turns stored pixels into the image as displayed, per the EXIF orientation tag (Exif 2.2 tag 274;
/// specs/pdq.md §15). Only used when asked for: the references hash the stored pixels.
/// </summary>
internal static class ExifOrientation
{
    /// <summary>Returns a new source with the displayed image; disposes <paramref name="stored"/>.</summary>
    public static BufferPixelSource Apply(BufferPixelSource stored, int orientation)
    {
        using (stored)
        {
            int w = stored.Width, h = stored.Height, c = stored.Channels;
            bool swaps = orientation >= 5;
            int outW = swaps ? h : w, outH = swaps ? w : h;
            var pixels = BufferPixelSource.Rent((long)outW * outH * c);
            var from = stored.Pixels;
            var to = pixels.AsSpan(0, outW * outH * c);
            for (int y = 0; y < outH; y++)
            {
                for (int x = 0; x < outW; x++)
                {
                    (int sy, int sx) = orientation switch
                    {
                        2 => (y, w - 1 - x),
                        3 => (h - 1 - y, w - 1 - x),
                        4 => (h - 1 - y, x),
                        5 => (x, y),
                        6 => (h - 1 - x, y),
                        7 => (h - 1 - x, w - 1 - y),
                        8 => (x, w - 1 - y),
                        _ => (y, x),
                    };
                    from.Slice(((sy * w) + sx) * c, c).CopyTo(to.Slice(((y * outW) + x) * c, c));
                }
            }
            return new BufferPixelSource(pixels, outW, outH, c);
        }
    }
}
