// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging;

/// <summary>A decoder that has read an image's header and can produce its pixels.</summary>
internal interface IImageDecoder : IDisposable
{
    /// <summary>Which library decodes: <c>turbojpeg</c>, <c>skia</c> or <c>libtiff</c>.</summary>
    string DecoderName { get; }

    /// <summary>Stored width, from the header.</summary>
    int Width { get; }

    /// <summary>Stored height, from the header.</summary>
    int Height { get; }

    /// <summary>The EXIF/TIFF orientation tag, 1–8 (1 when absent).</summary>
    int Orientation { get; }

    /// <summary>The smallest size the decoder can produce cheaply whose shorter side is at least <paramref name="minShortSide"/>.</summary>
    (int Width, int Height) ReducedSize(int minShortSide);

    /// <summary>Pixels at <paramref name="size"/> (the stored size or one from <see cref="ReducedSize"/>), streamed when possible.</summary>
    PixelSource Pixels((int Width, int Height) size);

    /// <summary>Pixels at <paramref name="size"/>, decoded whole into memory.</summary>
    BufferPixelSource DecodeWhole((int Width, int Height) size);
}
