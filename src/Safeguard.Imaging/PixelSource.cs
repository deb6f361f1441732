// SPDX-License-Identifier: Apache-2.0
using System.Buffers;

namespace Safeguard.Imaging;

/// <summary>
/// Decoded 8-bit pixels delivered top row first, a few rows at a time, so that large images need
/// not be held whole. <see cref="Channels"/> is 1 (grey), 3 (R, G, B) or 4 (R, G, B, straight alpha).
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

    /// <summary>Clears the <paramref name="used"/> bytes (all that were written) and returns the buffer to the pool.</summary>
    public static void Return(byte[] pixels, long used)
    {
        // Clearing only what was written, not the whole rented array (rounded up to a power of two), halves the cost for large images.
        Array.Clear(pixels, 0, (int)Math.Min(used, pixels.Length));
        ArrayPool<byte>.Shared.Return(pixels);
    }

    public override void Dispose()
    {
        if (_pixels is not null)
        {
            Return(_pixels, (long)RowBytes * Height);
            _pixels = null;
        }
        if (_packedPixels is not null)
        {
            ArrayPool<int>.Shared.Return(_packedPixels, clearArray: true);
            _packedPixels = null;
        }
    }
}
