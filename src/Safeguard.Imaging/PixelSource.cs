// SPDX-License-Identifier: Apache-2.0
using System.Buffers;

namespace Safeguard.Imaging;

/// <summary>
/// Decoded 8-bit pixels delivered top row first, a few rows at a time, so that large images need
/// not be held whole. <see cref="Channels"/> is 1 (grey) or 4 (R, G, B, straight alpha).
/// </summary>
internal abstract class PixelSource : IDisposable
{
    public abstract int Width { get; }

    public abstract int Height { get; }

    public abstract int Channels { get; }

    public int RowBytes => Width * Channels;

    /// <summary>Decodes the next <paramref name="rows"/> rows into <paramref name="destination"/>; throws <see cref="ImageRejectedException"/> when the data ends or is damaged.</summary>
    public abstract void ReadRows(Span<byte> destination, int rows);

    public virtual void Dispose()
    {
    }
}

/// <summary>Pixels already decoded into a pooled buffer, which is cleared when returned.</summary>
internal sealed class BufferPixelSource : PixelSource
{
    private byte[]? _pixels;
    private int[]? _packedPixels;
    private int _nextRow;

    public BufferPixelSource(byte[] pooledPixels, int width, int height, int channels)
    {
        _pixels = pooledPixels;
        Width = width;
        Height = height;
        Channels = channels;
    }

    /// <summary>Over pooled 32-bit words that hold R, G, B, A bytes in memory order.</summary>
    public BufferPixelSource(int[] pooledPackedPixels, int width, int height)
    {
        _packedPixels = pooledPackedPixels;
        Width = width;
        Height = height;
        Channels = 4;
    }

    public override int Width { get; }

    public override int Height { get; }

    public override int Channels { get; }

    /// <summary>The whole image, row-major.</summary>
    public Span<byte> Pixels => (_packedPixels is not null
        ? System.Runtime.InteropServices.MemoryMarshal.AsBytes(_packedPixels.AsSpan())
        : _pixels.AsSpan())[..(RowBytes * Height)];

    public override void ReadRows(Span<byte> destination, int rows)
    {
        int bytes = rows * RowBytes;
        Pixels.Slice(_nextRow * RowBytes, bytes).CopyTo(destination);
        _nextRow += rows;
    }

    public static byte[] Rent(long bytes) => ArrayPool<byte>.Shared.Rent(checked((int)bytes));

    public static void Return(byte[] pixels) => ArrayPool<byte>.Shared.Return(pixels, clearArray: true);

    public override void Dispose()
    {
        if (_pixels is not null)
        {
            Return(_pixels);
            _pixels = null;
        }
        if (_packedPixels is not null)
        {
            ArrayPool<int>.Shared.Return(_packedPixels, clearArray: true);
            _packedPixels = null;
        }
    }
}
