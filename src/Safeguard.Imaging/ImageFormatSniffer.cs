// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging;

/// <summary>The image formats Safeguard decodes.</summary>
internal enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
    Gif,
    WebP,
    Bmp,
    Tiff,
}

/// <summary>Finds an image's format from its first bytes; file names and declared types are never trusted.</summary>
internal static class ImageFormatSniffer
{
    public static ImageFormat Detect(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8))
        {
            return ImageFormat.Gif;
        }
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return ImageFormat.WebP;
        }
        if (b.Length >= 14 && b[0] == 'B' && b[1] == 'M')
        {
            return ImageFormat.Bmp;
        }
        if (b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8) || b.StartsWith("II+\0"u8) || b.StartsWith("MM\0+"u8))
        {
            return ImageFormat.Tiff;
        }
        return ImageFormat.Unknown;
    }

    /// <summary>A name for a recognised but unsupported format, for the error message; null when unrecognised.</summary>
    public static string? DescribeUnsupported(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 12 && b.Slice(4, 4).SequenceEqual("ftyp"u8))
        {
            var brand = b.Slice(8, 4);
            if (brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8))
            {
                return "AVIF";
            }
            if (brand.SequenceEqual("heic"u8) || brand.SequenceEqual("heix"u8) || brand.SequenceEqual("mif1"u8) || brand.SequenceEqual("msf1"u8))
            {
                return "HEIF/HEIC";
            }
            return "an ISO media file (video or HEIF)";
        }
        if (b.StartsWith("%PDF"u8))
        {
            return "PDF";
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0, 0, 1, 0]))
        {
            return "ICO";
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x6A, 0x50, 0x20, 0x20]) || b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51]))
        {
            return "JPEG 2000";
        }
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20]))
        {
            return "JPEG XL";
        }
        if (b.StartsWith("8BPS"u8))
        {
            return "Photoshop PSD";
        }
        if (b.StartsWith("<svg"u8) || b.StartsWith("<?xml"u8))
        {
            return "SVG/XML";
        }
        return null;
    }

    public static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "jpeg",
        ImageFormat.Png => "png",
        ImageFormat.Gif => "gif",
        ImageFormat.WebP => "webp",
        ImageFormat.Bmp => "bmp",
        ImageFormat.Tiff => "tiff",
        _ => "unknown",
    };
}
