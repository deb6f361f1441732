// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using BitMiracle.LibTiff.Classic;
using SkiaSharp;

namespace Safeguard.Imaging.Tests;

/// <summary>Builds test images in every format from pixels, with small writers of our own where Skia has no encoder.</summary>
public static class TestImages
{
    public sealed record Rgba(int Width, int Height, byte[] Pixels);

    public static byte[] ReadData(string relative) => File.ReadAllBytes(ReferenceCsv.DataPath(relative));

    /// <summary>Straight (unpremultiplied) RGBA of a file, decoded without colour management.</summary>
    public static Rgba Decode(byte[] file)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(file));
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul, null);
        var pixels = new byte[info.Width * info.Height * 4];
        unsafe
        {
            fixed (byte* p = pixels)
            {
                Assert.Equal(SKCodecResult.Success, codec.GetPixels(info, (IntPtr)p));
            }
        }
        return new Rgba(info.Width, info.Height, pixels);
    }

    public static byte[] Encode(Rgba image, SKEncodedImageFormat format, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, bitmap.GetPixels(), image.Pixels.Length);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] EncodeGrey(Rgba image, SKEncodedImageFormat format, int quality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var grey = new byte[image.Width * image.Height];
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] = image.Pixels[i * 4];
        }
        System.Runtime.InteropServices.Marshal.Copy(grey, 0, bitmap.GetPixels(), grey.Length);
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    public static byte[] WebPLossless(Rgba image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        System.Runtime.InteropServices.Marshal.Copy(image.Pixels, 0, bitmap.GetPixels(), image.Pixels.Length);
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100));
        Assert.NotNull(data);
        return data.ToArray();
    }

    /// <summary>A 24-bit bottom-up BMP (alpha dropped).</summary>
    public static byte[] Bmp24(Rgba image)
    {
        int rowBytes = ((image.Width * 3) + 3) & ~3;
        int size = 54 + (rowBytes * image.Height);
        var b = new byte[size];
        b[0] = (byte)'B';
        b[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(2), size);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(18), image.Width);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(22), image.Height);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(b.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(34), rowBytes * image.Height);
        for (int y = 0; y < image.Height; y++)
        {
            int row = 54 + ((image.Height - 1 - y) * rowBytes);
            for (int x = 0; x < image.Width; x++)
            {
                int p = ((y * image.Width) + x) * 4;
                b[row + (x * 3)] = image.Pixels[p + 2];
                b[row + (x * 3) + 1] = image.Pixels[p + 1];
                b[row + (x * 3) + 2] = image.Pixels[p];
            }
        }
        return b;
    }

    /// <summary>Palette and indices of an image with at most 256 distinct colours (alpha ignored).</summary>
    public static (byte[] Palette, byte[] Indices) Palettize(Rgba image)
    {
        var map = new Dictionary<int, int>();
        var palette = new List<byte>();
        var indices = new byte[image.Width * image.Height];
        for (int i = 0; i < indices.Length; i++)
        {
            int key = image.Pixels[i * 4] | (image.Pixels[(i * 4) + 1] << 8) | (image.Pixels[(i * 4) + 2] << 16);
            if (!map.TryGetValue(key, out int index))
            {
                index = map.Count;
                Assert.True(index < 256, "more than 256 colours");
                map[key] = index;
                palette.AddRange([image.Pixels[i * 4], image.Pixels[(i * 4) + 1], image.Pixels[(i * 4) + 2]]);
            }
            indices[i] = (byte)index;
        }
        while (palette.Count < 256 * 3)
        {
            palette.Add(0);
        }
        return ([.. palette], indices);
    }

    /// <summary>
    /// A GIF89a with a global 256-colour table. LZW data is written with 9-bit codes and a clear code
    /// every 254 symbols, so the code width never grows (valid, if not compact).
    /// </summary>
    public static byte[] Gif(int width, int height, byte[] palette, byte[] indices)
    {
        var o = new List<byte>();
        o.AddRange("GIF89a"u8.ToArray());
        o.AddRange(LittleEndian16(width));
        o.AddRange(LittleEndian16(height));
        o.AddRange([0xF7, 0, 0]);
        o.AddRange(palette.AsSpan(0, 768).ToArray());
        o.Add(0x2C);
        o.AddRange(LittleEndian16(0));
        o.AddRange(LittleEndian16(0));
        o.AddRange(LittleEndian16(width));
        o.AddRange(LittleEndian16(height));
        o.Add(0);
        o.Add(8);
        var bits = new BitWriter();
        const int clear = 256, end = 257;
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % 254 == 0)
            {
                bits.Write(clear, 9);
            }
            bits.Write(indices[i], 9);
        }
        bits.Write(end, 9);
        var data = bits.ToArray();
        for (int i = 0; i < data.Length; i += 255)
        {
            int n = Math.Min(255, data.Length - i);
            o.Add((byte)n);
            o.AddRange(data.AsSpan(i, n).ToArray());
        }
        o.Add(0);
        o.Add(0x3B);
        return [.. o];
    }

    private static byte[] LittleEndian16(int v) => [(byte)v, (byte)(v >> 8)];

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _acc;
        private int _count;

        public void Write(int code, int width)
        {
            _acc |= code << _count;
            _count += width;
            while (_count >= 8)
            {
                _bytes.Add((byte)_acc);
                _acc >>= 8;
                _count -= 8;
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0)
            {
                _bytes.Add((byte)_acc);
                _acc = 0;
                _count = 0;
            }
            return [.. _bytes];
        }
    }

    public enum TiffKind
    {
        Rgb,
        Grey8,
        Grey16,
        Bilevel,
        Palette,
        Cmyk,
    }

    /// <summary>A TIFF written with LibTiff.NET (LZW-compressed strips). Grey kinds take channel R.</summary>
    public static byte[] Tiff(Rgba image, TiffKind kind)
    {
        using var stream = new MemoryStream();
        using (var tiff = BitMiracle.LibTiff.Classic.Tiff.ClientOpen("test", "w", stream, new TiffStream()))
        {
            int w = image.Width, h = image.Height;
            tiff.SetField(TiffTag.IMAGEWIDTH, w);
            tiff.SetField(TiffTag.IMAGELENGTH, h);
            tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
            tiff.SetField(TiffTag.ROWSPERSTRIP, 16);
            tiff.SetField(TiffTag.COMPRESSION, Compression.LZW);
            (byte[] palette, byte[] indices) = kind == TiffKind.Palette ? Palettize(image) : (Array.Empty<byte>(), Array.Empty<byte>());
            switch (kind)
            {
                case TiffKind.Rgb:
                    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.RGB);
                    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 3);
                    tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
                    break;
                case TiffKind.Cmyk:
                    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.SEPARATED);
                    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 4);
                    tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
                    tiff.SetField(TiffTag.INKSET, InkSet.CMYK);
                    break;
                case TiffKind.Grey8:
                case TiffKind.Grey16:
                case TiffKind.Bilevel:
                    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISBLACK);
                    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
                    tiff.SetField(TiffTag.BITSPERSAMPLE, kind switch { TiffKind.Grey16 => 16, TiffKind.Bilevel => 1, _ => 8 });
                    break;
                case TiffKind.Palette:
                    tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.PALETTE);
                    tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
                    tiff.SetField(TiffTag.BITSPERSAMPLE, 8);
                    var red = new short[256];
                    var green = new short[256];
                    var blue = new short[256];
                    for (int i = 0; i < 256; i++)
                    {
                        red[i] = (short)(palette[i * 3] * 257);
                        green[i] = (short)(palette[(i * 3) + 1] * 257);
                        blue[i] = (short)(palette[(i * 3) + 2] * 257);
                    }
                    tiff.SetField(TiffTag.COLORMAP, red, green, blue);
                    break;
            }
            for (int y = 0; y < h; y++)
            {
                byte[] line = kind switch
                {
                    TiffKind.Rgb => [.. Enumerable.Range(0, w).SelectMany(x => image.Pixels.AsSpan(((y * w) + x) * 4, 3).ToArray())],
                    TiffKind.Cmyk => [.. Enumerable.Range(0, w).SelectMany(x => new byte[]
                    {
                        (byte)(255 - image.Pixels[((y * w) + x) * 4]), (byte)(255 - image.Pixels[(((y * w) + x) * 4) + 1]),
                        (byte)(255 - image.Pixels[(((y * w) + x) * 4) + 2]), 0,
                    })],
                    TiffKind.Grey8 => [.. Enumerable.Range(0, w).Select(x => image.Pixels[((y * w) + x) * 4])],
                    TiffKind.Grey16 => [.. Enumerable.Range(0, w).SelectMany(x => BitConverter.GetBytes((ushort)(image.Pixels[((y * w) + x) * 4] * 257)))],
                    TiffKind.Bilevel => Pack1Bit(Enumerable.Range(0, w).Select(x => image.Pixels[((y * w) + x) * 4] >= 128).ToArray()),
                    _ => indices.AsSpan(y * w, w).ToArray(),
                };
                Assert.True(tiff.WriteScanline(line, y));
            }
            tiff.WriteDirectory();
        }
        return stream.ToArray();
    }

    private static byte[] Pack1Bit(bool[] bits)
    {
        var packed = new byte[(bits.Length + 7) / 8];
        for (int i = 0; i < bits.Length; i++)
        {
            if (bits[i])
            {
                packed[i / 8] |= (byte)(0x80 >> (i % 8));
            }
        }
        return packed;
    }

    /// <summary>Rewrites the size in a PNG's IHDR (fixing its CRC), a JPEG's SOF, or a GIF's screen and first image descriptor.</summary>
    public static byte[] WithDeclaredSize(byte[] file, int width, int height)
    {
        var b = (byte[])file.Clone();
        if (b[0] == 0x89)
        {
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(16), width);
            BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(20), height);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(29), Crc32(b.AsSpan(12, 17)));
            return b;
        }
        if (b[0] == 0xFF)
        {
            for (int i = 2; i + 9 < b.Length; i++)
            {
                if (b[i] == 0xFF && b[i + 1] is 0xC0 or 0xC1 or 0xC2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 5), (ushort)height);
                    BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(i + 7), (ushort)width);
                    return b;
                }
            }
            throw new InvalidDataException("no SOF marker");
        }
        if (b[0] == 'G')
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(8), (ushort)height);
            int descriptor = 13 + ((b[10] & 0x80) != 0 ? 3 << ((b[10] & 7) + 1) : 0);
            Assert.Equal(0x2C, b[descriptor]);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(descriptor + 5), (ushort)width);
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(descriptor + 7), (ushort)height);
            return b;
        }
        throw new InvalidDataException("unknown format");
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte x in data)
        {
            crc ^= x;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
