// SPDX-License-Identifier: Apache-2.0
using SkiaSharp;

namespace Safeguard.Imaging;

/// <summary>
/// JPEG, PNG, GIF, WebP and BMP through SkiaSharp (libjpeg-turbo, libpng, libwebp and Skia's own
/// GIF and BMP readers). Pixels are requested without colour management (the references do none)
/// and unpremultiplied (alpha is ignored, so stored colour must stay as stored; specs/pdq.md §13.1).
/// </summary>
internal sealed unsafe class SkiaDecoder : IImageDecoder
{
    private readonly SKCodec _codec;
    private readonly ImageFormat _format;

    private SkiaDecoder(SKCodec codec, ImageFormat format)
    {
        _codec = codec;
        _format = format;
    }

    /// <summary>
    /// Reads the header of <paramref name="length"/> bytes at <paramref name="data"/>, which must stay
    /// pinned until the decoder is disposed.
    /// </summary>
    public static SkiaDecoder Open(byte* data, int length, ImageFormat format)
    {
        var skData = SKData.Create((IntPtr)data, length);
        var stream = new SKMemoryStream(skData);
        var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
        {
            stream.Dispose();
            skData.Dispose();
            string name = ImageFormatSniffer.Name(format).ToUpperInvariant();
            throw result switch
            {
                SKCodecResult.IncompleteInput => new ImageRejectedException(ImageRejectReason.Truncated, $"the {name} data ends before its header is complete"),
                _ => new ImageRejectedException(ImageRejectReason.Corrupt, $"the file starts like {name} but its header cannot be read ({result})"),
            };
        }
        return new SkiaDecoder(codec, format);
    }

    public const string Name = "skia";

    public string DecoderName => Name;

    public int Width => _codec.Info.Width;

    public int Height => _codec.Info.Height;

    /// <summary>The EXIF orientation (1–8; 1 when absent).</summary>
    public int Orientation => (int)_codec.EncodedOrigin is >= 1 and <= 8 and var o ? o : 1;

    private bool IsGrey => _codec.Info.ColorType == SKColorType.Gray8;

    /// <summary>
    /// For <c>--fast</c>: the smallest size libjpeg can decode to directly (scaling by 1/2, 1/4 or 1/8
    /// in the DCT domain) whose shorter side stays at least <paramref name="minShortSide"/>.
    /// </summary>
    public (int Width, int Height) ReducedSize(int minShortSide)
    {
        var best = (Width, Height);
        if (_format != ImageFormat.Jpeg)
        {
            return best;
        }
        foreach (float scale in new[] { 0.5f, 0.25f, 0.125f })
        {
            var size = _codec.GetScaledDimensions(scale);
            if (Math.Min(size.Width, size.Height) < minShortSide || size.Width >= best.Width)
            {
                break;
            }
            best = (size.Width, size.Height);
        }
        return best;
    }

    private SKImageInfo Target((int Width, int Height) size) => new(
        size.Width, size.Height,
        IsGrey ? SKColorType.Gray8 : SKColorType.Rgba8888,
        IsGrey ? SKAlphaType.Opaque : SKAlphaType.Unpremul,
        colorspace: null);

    /// <summary>Streams rows when the codec can (JPEG, non-interlaced PNG); otherwise decodes whole into a pooled buffer.</summary>
    public PixelSource Pixels((int Width, int Height) size)
    {
        var info = Target(size);
        if (_format is ImageFormat.Jpeg or ImageFormat.Png &&
            _codec.StartScanlineDecode(info) == SKCodecResult.Success &&
            _codec.ScanlineOrder == SKCodecScanlineOrder.TopDown)
        {
            return new ScanlineSource(this, info);
        }
        return DecodeWhole(info);
    }

    public BufferPixelSource DecodeWhole((int Width, int Height) size) => DecodeWhole(Target(size));

    private BufferPixelSource DecodeWhole(SKImageInfo info)
    {
        int channels = info.ColorType == SKColorType.Gray8 ? 1 : 4;
        long bytes = (long)info.Width * info.Height * channels;
        var pixels = BufferPixelSource.Rent(bytes);
        try
        {
            SKCodecResult result;
            fixed (byte* p = pixels)
            {
                result = _codec.GetPixels(info, (IntPtr)p, info.Width * channels, new SKCodecOptions(0));
            }
            ThrowOnFailure(result);
            return new BufferPixelSource(pixels, info.Width, info.Height, channels);
        }
        catch
        {
            BufferPixelSource.Return(pixels, bytes);
            throw;
        }
    }

    private void ThrowOnFailure(SKCodecResult result)
    {
        string name = ImageFormatSniffer.Name(_format).ToUpperInvariant();
        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageRejectedException(ImageRejectReason.Truncated, $"the {name} data is cut short");
            case SKCodecResult.ErrorInInput:
            case SKCodecResult.InvalidInput:
                throw new ImageRejectedException(ImageRejectReason.Corrupt, $"the {name} data is damaged");
            default:
                throw new ImageRejectedException(ImageRejectReason.UnsupportedFormat, $"this {name} variant cannot be decoded ({result})");
        }
    }

    public void Dispose() => _codec.Dispose();

    private sealed class ScanlineSource(SkiaDecoder owner, SKImageInfo info) : PixelSource
    {
        public override int Width => info.Width;

        public override int Height => info.Height;

        public override int Channels { get; } = info.ColorType == SKColorType.Gray8 ? 1 : 4;

        public override void ReadRows(Span<byte> destination, int rows)
        {
            int done;
            fixed (byte* p = destination)
            {
                done = owner._codec.GetScanlines((IntPtr)p, rows, RowBytes);
            }
            if (done != rows)
            {
                owner.ThrowOnFailure(SKCodecResult.IncompleteInput);
            }
        }
    }
}
