// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Security.Cryptography;
using Safeguard.Hashing;

namespace Safeguard.Imaging;

/// <summary>Which preprocessing a hash follows (specs/pdq.md §13).</summary>
public enum PdqPreset
{
    /// <summary>HMA / python-threatexchange: full resolution, alpha ignored (the default).</summary>
    Hma,

    /// <summary>The C++ pdq-photo-hasher: 512×512 nearest-neighbour pre-resize.</summary>
    Cpp,
}

/// <summary>Which library decodes JPEG files.</summary>
public enum JpegDecoderChoice
{
    /// <summary>The system's SIMD libturbojpeg when it loads (<see cref="ImageHasher.TurboJpegAvailable"/>), otherwise SkiaSharp.</summary>
    Auto,

    /// <summary>The system's libturbojpeg; <see cref="ImageHasher"/> refuses to start without it.</summary>
    TurboJpeg,

    /// <summary>SkiaSharp's bundled libjpeg-turbo (built without SIMD, so slower; same pixels).</summary>
    Skia,
}

/// <summary>Options for <see cref="ImageHasher"/>.</summary>
public sealed record ImageHashOptions
{
    /// <summary>The preprocessing preset.</summary>
    public PdqPreset Preset { get; init; } = PdqPreset.Hma;

    /// <summary>Largest image accepted, in pixels, checked from the header before pixels are allocated.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Apply the EXIF orientation before hashing (the references ignore it).</summary>
    public bool ApplyExifOrientation { get; init; }

    /// <summary>Also compute the 8 dihedral hashes.</summary>
    public bool Dihedral { get; init; }

    /// <summary>Decode large JPEGs at reduced size in the DCT domain.</summary>
    public bool Fast { get; init; }

    /// <summary>Which library decodes JPEG (both give the same pixels; docs/imaging.md).</summary>
    public JpegDecoderChoice JpegDecoder { get; init; }
}

/// <summary>What an image hashes to.</summary>
/// <param name="Pdq">The PDQ hash (zero when <paramref name="TooSmall"/>).</param>
/// <param name="Quality">PDQ quality 0–100.</param>
/// <param name="Dihedral">The 8 dihedral hashes in the reference's order, when asked for.</param>
/// <param name="Md5">MD5 of the file bytes.</param>
/// <param name="Sha1">SHA-1 of the file bytes.</param>
/// <param name="Sha256">SHA-256 of the file bytes.</param>
/// <param name="Width">Decoded width in pixels.</param>
/// <param name="Height">Decoded height in pixels.</param>
/// <param name="Format">Detected format: jpeg, png, gif, webp, bmp, tiff.</param>
/// <param name="TooSmall">True when a side is under 5 px (zero hash, quality 0).</param>
public sealed record ImageHashResult(
    Hash256 Pdq,
    int Quality,
    IReadOnlyList<Hash256>? Dihedral,
    byte[] Md5,
    byte[] Sha1,
    byte[] Sha256,
    int Width,
    int Height,
    string Format,
    bool TooSmall)
{
    /// <summary>The library that decoded the pixels: <c>turbojpeg</c>, <c>skia</c> or <c>libtiff</c>.</summary>
    public string Decoder { get; init; } = "";
}

/// <summary>Why an image was rejected.</summary>
public enum ImageRejectReason
{
    /// <summary>No bytes.</summary>
    Empty,

    /// <summary>Not a format Safeguard decodes.</summary>
    UnsupportedFormat,

    /// <summary>The data is cut short.</summary>
    Truncated,

    /// <summary>The data is damaged or not what its header says.</summary>
    Corrupt,

    /// <summary>The header declares more pixels than allowed.</summary>
    TooManyPixels,
}

/// <summary>An image that cannot be hashed, with a reason and a message fit to show the user.</summary>
public sealed class ImageRejectedException(ImageRejectReason reason, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why it was rejected.</summary>
    public ImageRejectReason Reason { get; } = reason;
}

/// <summary>Decodes an image file and computes its PDQ hash, quality and exact digests. Thread-safe.</summary>
public sealed class ImageHasher
{
    /// <summary>
    /// With <see cref="ImageHashOptions.Fast"/>, a JPEG is decoded at 1/2, 1/4 or 1/8 size as long as its
    /// shorter side stays at least this long (chosen by measurement on the bridge-mods set, docs/pdq.md).
    /// </summary>
    public const int FastMinShortSide = 300;

    /// <summary>The <c>cpp</c> preset's pre-resize target (specs/pdq.md §13.2).</summary>
    public const int CppResizeSide = 512;

    /// <summary>Creates a hasher with <paramref name="options"/> (defaults when null).</summary>
    /// <exception cref="InvalidOperationException">TurboJPEG was asked for and the system library does not load.</exception>
    public ImageHasher(ImageHashOptions? options = null)
    {
        Options = options ?? new ImageHashOptions();
        if (Options.JpegDecoder == JpegDecoderChoice.TurboJpeg && !TurboJpegAvailable)
        {
            throw new InvalidOperationException($"{TurboJpegNative.LibraryName} could not be loaded (Debian/Ubuntu: apt-get install libturbojpeg0)");
        }
        UsesTurboJpeg = Options.JpegDecoder != JpegDecoderChoice.Skia && TurboJpegAvailable;
    }

    /// <summary>True when the system's libturbojpeg (TurboJPEG 2.0 or later) loads in this process.</summary>
    public static bool TurboJpegAvailable => TurboJpegNative.IsAvailable;

    /// <summary>The options in force.</summary>
    public ImageHashOptions Options { get; }

    /// <summary>
    /// True when JPEG files go to the system's libturbojpeg. A JPEG whose header it cannot read cleanly
    /// still goes to Skia; <see cref="ImageHashResult.Decoder"/> says which decoded each file.
    /// </summary>
    public bool UsesTurboJpeg { get; }

    /// <summary>Hashes one file's bytes. Throws <see cref="ImageRejectedException"/> for bad input.</summary>
    public unsafe ImageHashResult Hash(ReadOnlySpan<byte> fileBytes)
    {
        if (fileBytes.IsEmpty)
        {
            throw new ImageRejectedException(ImageRejectReason.Empty, "the file is empty");
        }
        var format = ImageFormatSniffer.Detect(fileBytes);
        if (format == ImageFormat.Unknown)
        {
            string? known = ImageFormatSniffer.DescribeUnsupported(fileBytes);
            throw new ImageRejectedException(ImageRejectReason.UnsupportedFormat, known is null
                ? "not an image format Safeguard reads (JPEG, PNG, GIF, WebP, BMP, TIFF)"
                : $"{known} is not a format Safeguard reads (JPEG, PNG, GIF, WebP, BMP, TIFF)");
        }
        byte[] md5 = MD5.HashData(fileBytes);
        byte[] sha1 = SHA1.HashData(fileBytes);
        byte[] sha256 = SHA256.HashData(fileBytes);
        fixed (byte* data = fileBytes)
        {
            try
            {
                using var decoder = OpenDecoder(format, data, fileBytes.Length);
                var (pdq, width, height) = HashDecoded(decoder);
                return new ImageHashResult(pdq.Hash, pdq.Quality, pdq.Dihedral, md5, sha1, sha256, width, height,
                    ImageFormatSniffer.Name(format), pdq.TooSmall)
                {
                    Decoder = decoder.DecoderName,
                };
            }
            catch (Exception e) when (e is not (ImageRejectedException or OutOfMemoryException))
            {
                throw new ImageRejectedException(ImageRejectReason.Corrupt,
                    $"the {ImageFormatSniffer.Name(format).ToUpperInvariant()} data could not be decoded ({e.GetType().Name})", e);
            }
        }
    }

    private unsafe IImageDecoder OpenDecoder(ImageFormat format, byte* data, int length) => format switch
    {
        ImageFormat.Tiff => TiffDecoder.Open(data, length),
        ImageFormat.Jpeg when UsesTurboJpeg => TurboJpegDecoder.TryOpen(data, length) ?? (IImageDecoder)SkiaDecoder.Open(data, length, format),
        _ => SkiaDecoder.Open(data, length, format),
    };

    private (PdqHashResult Pdq, int Width, int Height) HashDecoded(IImageDecoder decoder)
    {
        int width = decoder.Width, height = decoder.Height;
        long pixels = (long)width * height;
        if (pixels > Options.MaxPixels || pixels * 4 > Array.MaxLength)
        {
            throw new ImageRejectedException(ImageRejectReason.TooManyPixels,
                $"the image declares {width} × {height} = {pixels} pixels, over the limit of {Options.MaxPixels}");
        }
        var size = (Width: width, Height: height);
        if (Options.Fast)
        {
            size = decoder.ReducedSize(Options.Preset == PdqPreset.Cpp ? CppResizeSide : FastMinShortSide);
        }
        int orientation = Options.ApplyExifOrientation ? decoder.Orientation : 1;
        PixelSource source = orientation == 1 ? decoder.Pixels(size) : ExifOrientation.Apply(decoder.DecodeWhole(size), orientation);
        using (source)
        {
            var pdq = Options.Preset == PdqPreset.Cpp ? HashCpp(source, Options.Dihedral) : HashHma(source, Options.Dihedral);
            return orientation >= 5 ? (pdq, height, width) : (pdq, width, height);
        }
    }

    /// <summary>The <c>hma</c> preset: full resolution, L64 luma (specs/pdq.md §13).</summary>
    internal static PdqHashResult HashHma(PixelSource source, bool dihedral)
    {
        if (source is BufferPixelSource whole)
        {
            return HashHma(whole.Pixels, whole.Width, whole.Height, whole.Channels, dihedral);
        }
        using var hasher = new PdqLumaHasher(source.Height, source.Width);
        int rowBytes = source.RowBytes;
        int chunk = Math.Clamp((1 << 18) / Math.Max(1, rowBytes), 1, 16);
        var rows = ArrayPool<byte>.Shared.Rent(chunk * rowBytes);
        try
        {
            for (int done = 0; done < source.Height;)
            {
                int n = Math.Min(chunk, source.Height - done);
                source.ReadRows(rows, n);
                AddHmaRows(hasher, rows.AsSpan(0, n * rowBytes), n, source.Width, source.Channels);
                done += n;
            }
            return hasher.Finish(dihedral);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rows, clearArray: true);
        }
    }

    /// <summary>The <c>hma</c> preset over pixels already decoded whole (1, 3 or 4 bytes per pixel).</summary>
    internal static PdqHashResult HashHma(ReadOnlySpan<byte> pixels, int width, int height, int channels, bool dihedral)
    {
        using var hasher = new PdqLumaHasher(height, width);
        AddHmaRows(hasher, pixels, height, width, channels);
        return hasher.Finish(dihedral);
    }

    private static void AddHmaRows(PdqLumaHasher hasher, ReadOnlySpan<byte> pixels, int rows, int width, int channels)
    {
        if (channels is 3 or 4)
        {
            hasher.AddPixelRows(pixels, channels, rows, PdqLumaRule.L64);
            return;
        }
        var luma = ArrayPool<float>.Shared.Rent(Math.Max(1, width));
        try
        {
            int rowBytes = width * channels;
            for (int k = 0; k < rows; k++)
            {
                ToLuma(pixels.Slice(k * rowBytes, rowBytes), channels, luma, PdqLumaRule.L64);
                hasher.AddRow(luma.AsSpan(0, width));
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(luma, clearArray: true);
        }
    }

    /// <summary>
    /// The <c>cpp</c> preset: nearest-neighbour resize to 512 × 512 when a side is over 512, and grey
    /// luma when every pixel has R = G = B, else L32 (specs/pdq.md §13.2, §13.3).
    /// </summary>
    internal static PdqHashResult HashCpp(PixelSource source, bool dihedral)
    {
        int rows = source.Height, cols = source.Width, channels = source.Channels, rowBytes = source.RowBytes;
        bool resize = rows > CppResizeSide || cols > CppResizeSide;
        int outRows = resize ? CppResizeSide : rows, outCols = resize ? CppResizeSide : cols;
        var sampled = ArrayPool<byte>.Shared.Rent(Math.Max(1, outRows * outCols * channels));
        var row = ArrayPool<byte>.Shared.Rent(Math.Max(1, rowBytes));
        try
        {
            bool grey = true;
            int nextOut = 0;
            for (int r = 0; r < rows; r++)
            {
                var line = row.AsSpan(0, rowBytes);
                source.ReadRows(line, 1);
                if (channels >= 3 && grey)
                {
                    grey = IsGreyRow(line, channels);
                }
                while (nextOut < outRows && (resize ? (int)((long)nextOut * rows / CppResizeSide) : nextOut) == r)
                {
                    var target = sampled.AsSpan(nextOut * outCols * channels, outCols * channels);
                    if (resize)
                    {
                        for (int x = 0; x < outCols; x++)
                        {
                            int sx = (int)((long)x * cols / CppResizeSide);
                            line.Slice(sx * channels, channels).CopyTo(target.Slice(x * channels, channels));
                        }
                    }
                    else
                    {
                        line.CopyTo(target);
                    }
                    nextOut++;
                }
            }
            using var hasher = new PdqLumaHasher(outRows, outCols);
            var luma = new float[outCols];
            int outRowBytes = outCols * channels;
            for (int y = 0; y < outRows; y++)
            {
                var pixels = sampled.AsSpan(y * outRowBytes, outRowBytes);
                if (channels >= 3 && grey)
                {
                    for (int x = 0; x < outCols; x++)
                    {
                        luma[x] = pixels[x * channels];
                    }
                }
                else
                {
                    ToLuma(pixels, channels, luma, PdqLumaRule.L32);
                }
                hasher.AddRow(luma);
            }
            return hasher.Finish(dihedral);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sampled, clearArray: true);
            ArrayPool<byte>.Shared.Return(row, clearArray: true);
        }
    }

    private static bool IsGreyRow(ReadOnlySpan<byte> pixels, int channels)
    {
        for (int i = 0; i < pixels.Length; i += channels)
        {
            if (pixels[i] != pixels[i + 1] || pixels[i] != pixels[i + 2])
            {
                return false;
            }
        }
        return true;
    }

    private static void ToLuma(ReadOnlySpan<byte> pixels, int channels, Span<float> luma, PdqLumaRule rule)
    {
        if (channels == 1)
        {
            PdqLuma.FromGrey(pixels, luma);
        }
        else
        {
            PdqLuma.FromRgb(pixels, channels, luma, rule);
        }
    }
}
