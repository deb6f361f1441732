// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging;

/// <summary>
/// JPEG through the system's SIMD libjpeg-turbo (TurboJPEG API). Produces the same pixels as
/// <see cref="SkiaDecoder"/>: libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling),
/// grey JPEGs as 8-bit grey, colour as RGB (Skia's RGBA less its opaque alpha), and CMYK as RGBA converted as Skia does
/// (the data taken as Adobe-inverted, each channel times K / 255, rounded). The TurboJPEG API decodes
/// whole images only, so pixels go into one pooled buffer, cleared when returned.
/// </summary>
internal sealed unsafe class TurboJpegDecoder : IImageDecoder
{
    public const string Name = "turbojpeg";

    private static readonly (int Numerator, int Denominator)[] Reductions = [(1, 2), (1, 4), (1, 8)];

    private readonly TurboJpegHandle _handle;
    private readonly byte* _data;
    private readonly int _length;
    private readonly int _colorspace;

    private TurboJpegDecoder(TurboJpegHandle handle, byte* data, int length, int width, int height, int colorspace)
    {
        _handle = handle;
        _data = data;
        _length = length;
        Width = width;
        Height = height;
        _colorspace = colorspace;
    }

    /// <summary>
    /// Reads the header of <paramref name="length"/> bytes at <paramref name="data"/> (pinned until
    /// disposal). Null when TurboJPEG cannot read it cleanly (damage, a warning, or a sampling layout
    /// it does not name): such a file goes to Skia, which classifies it as it always has.
    /// </summary>
    public static TurboJpegDecoder? TryOpen(byte* data, int length)
    {
        var handle = TurboJpegNative.InitDecompress();
        if (handle.IsInvalid)
        {
            handle.Dispose();
            return null;
        }
        // Some releases return success with a zero size when the header runs out (only warning of it), so
        // the size, colour space and warning flag are all checked rather than the return value alone.
        bool clean = TurboJpegNative.DecompressHeader(handle, data, new((uint)length), out int width, out int height, out int subsampling, out int colorspace) == 0
            && TurboJpegNative.ErrorCode(handle) != TurboJpegNative.ErrorWarning
            && width >= 1 && height >= 1 && subsampling >= 0 && colorspace is >= 0 and <= TurboJpegNative.ColorspaceYcck;
        if (!clean)
        {
            handle.Dispose();
            return null;
        }
        return new TurboJpegDecoder(handle, data, length, width, height, colorspace);
    }

    public string DecoderName => Name;

    public int Width { get; }

    public int Height { get; }

    public int Orientation => JpegMarkers.Orientation(new ReadOnlySpan<byte>(_data, _length));

    private bool IsGrey => _colorspace == TurboJpegNative.ColorspaceGray;

    private bool IsCmyk => _colorspace is TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck;

    /// <summary>The same sizes as Skia's: libjpeg's 1/2, 1/4, 1/8 scaling, rounding up, while the shorter side stays at least <paramref name="minShortSide"/>.</summary>
    public (int Width, int Height) ReducedSize(int minShortSide)
    {
        var best = (Width, Height);
        foreach (var (numerator, denominator) in Reductions)
        {
            var size = (Width: Scaled(Width, numerator, denominator), Height: Scaled(Height, numerator, denominator));
            if (Math.Min(size.Width, size.Height) < minShortSide || size.Width >= best.Width)
            {
                break;
            }
            best = size;
        }
        return best;
    }

    private static int Scaled(int side, int numerator, int denominator) => (int)((((long)side * numerator) + denominator - 1) / denominator);

    public PixelSource Pixels((int Width, int Height) size) => DecodeWhole(size);

    public BufferPixelSource DecodeWhole((int Width, int Height) size)
    {
        if (size != (Width, Height) && !Reductions.Any(r => size == (Scaled(Width, r.Numerator, r.Denominator), Scaled(Height, r.Numerator, r.Denominator))))
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, "the stored size or one from ReducedSize");
        }
        // RGB, not RGBA: a quarter less memory to write, read and clear; the hasher takes either.
        int channels = IsGrey ? 1 : IsCmyk ? 4 : 3;
        int format = IsGrey ? TurboJpegNative.PixelFormatGray : IsCmyk ? TurboJpegNative.PixelFormatCmyk : TurboJpegNative.PixelFormatRgb;
        long bytes = (long)size.Width * size.Height * channels;
        var pixels = BufferPixelSource.Rent(bytes);
        try
        {
            int result;
            fixed (byte* destination = pixels)
            {
                result = TurboJpegNative.Decompress(_handle, _data, new((uint)_length), destination, size.Width, 0, size.Height, format, TurboJpegNative.FlagLimitScans);
            }
            if (result != 0)
            {
                ThrowUnlessUsable();
            }
            if (IsCmyk)
            {
                InvertedCmykToRgba(pixels.AsSpan(0, (int)bytes));
            }
            return new BufferPixelSource(pixels, size.Width, size.Height, channels);
        }
        catch
        {
            BufferPixelSource.Return(pixels, bytes);
            throw;
        }
    }

    /// <summary>
    /// A fatal error rejects the file. A warning means libjpeg carried on (it resynchronises after
    /// damaged data, as it does inside Skia): the pixels stand, unless the data simply ran out.
    /// </summary>
    private void ThrowUnlessUsable()
    {
        if (TurboJpegNative.ErrorCode(_handle) != TurboJpegNative.ErrorWarning)
        {
            throw new ImageRejectedException(ImageRejectReason.Corrupt, $"the JPEG data is damaged ({TurboJpegNative.LastError(_handle)})");
        }
        if (!JpegMarkers.HasEndOfImage(new ReadOnlySpan<byte>(_data, _length)))
        {
            throw new ImageRejectedException(ImageRejectReason.Truncated, "the JPEG data is cut short");
        }
    }

    /// <summary>Skia's CMYK JPEG conversion (<c>swizzle_cmyk_to_rgba</c>): R = C·K/255, G = M·K/255, B = Y·K/255, rounded as <c>SkMulDiv255Round</c>.</summary>
    internal static void InvertedCmykToRgba(Span<byte> pixels)
    {
        for (int i = 0; i + 3 < pixels.Length; i += 4)
        {
            int k = pixels[i + 3];
            pixels[i] = MulDiv255Round(pixels[i], k);
            pixels[i + 1] = MulDiv255Round(pixels[i + 1], k);
            pixels[i + 2] = MulDiv255Round(pixels[i + 2], k);
            pixels[i + 3] = 0xFF;
        }
    }

    private static byte MulDiv255Round(int a, int b)
    {
        int product = (a * b) + 128;
        return (byte)((product + (product >> 8)) >> 8);
    }

    public void Dispose() => _handle.Dispose();
}
