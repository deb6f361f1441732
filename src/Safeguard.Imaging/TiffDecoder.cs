// SPDX-License-Identifier: Apache-2.0
using BitMiracle.LibTiff.Classic;

namespace Safeguard.Imaging;

/// <summary>
/// TIFF through LibTiff.NET (managed, New BSD licence): the first image of the file, converted to
/// 8-bit RGBA by libtiff's RGBA interface (palette, grey, 1-bit, 16-bit, CMYK and YCbCr handled there).
/// </summary>
internal sealed unsafe class TiffDecoder : IImageDecoder
{
    private static readonly SilentErrors Errors = new();
    private readonly UnmanagedMemoryStream _stream;
    private readonly Tiff _tiff;

    static TiffDecoder() => Tiff.SetErrorHandler(Errors);

    private TiffDecoder(UnmanagedMemoryStream stream, Tiff tiff)
    {
        _stream = stream;
        _tiff = tiff;
        Width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
        Height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
        int orientation = tiff.GetFieldDefaulted(TiffTag.ORIENTATION)?[0].ToInt() ?? 1;
        Orientation = orientation is >= 1 and <= 8 ? orientation : 1;
        if (Width <= 0 || Height <= 0)
        {
            throw new ImageRejectedException(ImageRejectReason.Corrupt, "the TIFF header gives no image size");
        }
    }

    /// <summary>Reads the header of the bytes at <paramref name="data"/>, which must stay pinned until disposed.</summary>
    public static TiffDecoder Open(byte* data, int length)
    {
        var stream = new UnmanagedMemoryStream(data, length);
        Tiff? tiff = null;
        try
        {
            Errors.Clear();
            tiff = Tiff.ClientOpen("image", "r", stream, new TiffStream());
            if (tiff is null)
            {
                throw new ImageRejectedException(ImageRejectReason.Corrupt, $"the TIFF header cannot be read{Errors.Describe()}");
            }
            return new TiffDecoder(stream, tiff);
        }
        catch (Exception e) when (e is not ImageRejectedException)
        {
            tiff?.Dispose();
            stream.Dispose();
            throw new ImageRejectedException(ImageRejectReason.Corrupt, "the TIFF header cannot be read");
        }
        catch
        {
            tiff?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    public string DecoderName => "libtiff";

    public int Width { get; }

    public int Height { get; }

    public int Orientation { get; }

    /// <summary>TIFF is never decoded at reduced size.</summary>
    public (int Width, int Height) ReducedSize(int minShortSide) => (Width, Height);

    public PixelSource Pixels((int Width, int Height) size) => DecodeWhole(size);

    /// <summary>Decodes the first image as stored (the orientation tag is not applied here).</summary>
    public BufferPixelSource DecodeWhole((int Width, int Height) size)
    {
        // Packed as A<<24 | B<<16 | G<<8 | R: in little-endian memory the bytes are R, G, B, A.
        var raster = System.Buffers.ArrayPool<int>.Shared.Rent(checked(Width * Height));
        var source = new BufferPixelSource(raster, Width, Height);
        try
        {
            bool ok;
            Errors.Clear();
            try
            {
                // Asking for the file's own orientation keeps the stored row order.
                ok = _tiff.ReadRGBAImageOriented(Width, Height, raster, (BitMiracle.LibTiff.Classic.Orientation)Orientation, true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                ok = false;
            }
            if (!ok)
            {
                throw new ImageRejectedException(ImageRejectReason.Corrupt, $"the TIFF image data cannot be decoded{Errors.Describe()}");
            }
            if (!BitConverter.IsLittleEndian)
            {
                throw new PlatformNotSupportedException("TIFF decoding assumes a little-endian machine");
            }
            return source;
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _tiff.Dispose();
        _stream.Dispose();
    }

    /// <summary>Keeps libtiff from writing to the console; remembers the last message per thread for error text.</summary>
    private sealed class SilentErrors : TiffErrorHandler
    {
        [ThreadStatic]
        private static string? _last;

        public void Clear() => _last = null;

        public string Describe() => _last is null ? string.Empty : $" ({_last})";

        public override void ErrorHandler(Tiff tif, string method, string format, params object[] args) =>
            _last = SafeText(format, args);

        public override void ErrorHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args) =>
            _last = SafeText(format, args);

        public override void WarningHandler(Tiff tif, string method, string format, params object[] args)
        {
        }

        public override void WarningHandlerExt(Tiff tif, object clientData, string method, string format, params object[] args)
        {
        }

        // libtiff messages carry the "file name" we pass ("image") and tag values; never user content.
        private static string SafeText(string format, object[] args)
        {
            try
            {
                string text = string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args);
                return text.Length > 200 ? text[..200] : text;
            }
            catch (FormatException)
            {
                return format;
            }
        }
    }
}
