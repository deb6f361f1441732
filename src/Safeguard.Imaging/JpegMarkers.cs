// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;

namespace Safeguard.Imaging;

/// <summary>
/// Walks a JPEG's marker segments up to the first scan, for the two facts the TurboJPEG API does not
/// give: the EXIF orientation and whether the file has an end-of-image marker. Bounds-checked
/// throughout; a malformed segment ends the walk.
/// </summary>
internal static class JpegMarkers
{
    private const byte StartOfScan = 0xDA;
    private const byte EndOfImage = 0xD9;
    private const byte App1 = 0xE1;
    private const ushort OrientationTag = 0x0112;
    private const ushort TypeShort = 3;

    /// <summary>
    /// The orientation (1–8) from the first APP1 "Exif" segment whose IFD0 holds a valid one, as Skia
    /// reads it (a SHORT with count 1, value 1–8); 1 when there is none.
    /// </summary>
    public static int Orientation(ReadOnlySpan<byte> jpeg)
    {
        int position = 2;
        while (NextSegment(jpeg, ref position, out byte marker, out var payload))
        {
            if (marker == App1 && payload.StartsWith("Exif\0\0"u8) && TiffOrientation(payload[6..]) is int orientation and >= 1 and <= 8)
            {
                return orientation;
            }
        }
        return 1;
    }

    /// <summary>
    /// True when an end-of-image marker follows the first start-of-scan. Entropy-coded data cannot
    /// hold the bytes FF D9 (a data FF is stuffed as FF 00), so their absence means the file was cut
    /// short: libjpeg then pads it with a warning instead of failing.
    /// </summary>
    public static bool HasEndOfImage(ReadOnlySpan<byte> jpeg)
    {
        int position = 2;
        while (NextSegment(jpeg, ref position, out _, out _))
        {
        }
        return position < jpeg.Length && jpeg[position..].IndexOf((ReadOnlySpan<byte>)[0xFF, EndOfImage]) >= 0;
    }

    /// <summary>
    /// Reads the segment at <paramref name="position"/> and moves past it; false, leaving
    /// <paramref name="position"/> where it is, at the first scan, at the end or at anything malformed.
    /// </summary>
    private static bool NextSegment(ReadOnlySpan<byte> jpeg, ref int position, out byte marker, out ReadOnlySpan<byte> payload)
    {
        marker = 0;
        payload = default;
        while (position + 1 < jpeg.Length && jpeg[position] == 0xFF && jpeg[position + 1] == 0xFF)
        {
            position++;
        }
        if (position + 4 > jpeg.Length || jpeg[position] != 0xFF)
        {
            return false;
        }
        marker = jpeg[position + 1];
        if (marker == StartOfScan)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg[(position + 2)..]);
        if (length < 2 || position + 2 + length > jpeg.Length)
        {
            return false;
        }
        payload = jpeg.Slice(position + 4, length - 2);
        position += 2 + length;
        return true;
    }

    private static int? TiffOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return null;
        }
        bool little = tiff.StartsWith("II*\0"u8);
        if (!little && !tiff.StartsWith("MM\0*"u8))
        {
            return null;
        }
        uint ifd = little ? BinaryPrimitives.ReadUInt32LittleEndian(tiff[4..]) : BinaryPrimitives.ReadUInt32BigEndian(tiff[4..]);
        if (ifd > (uint)(tiff.Length - 2))
        {
            return null;
        }
        var entries = tiff[(int)ifd..];
        int count = ReadUInt16(entries, little);
        for (int i = 0; i < count && 2 + ((i + 1) * 12) <= entries.Length; i++)
        {
            var entry = entries.Slice(2 + (i * 12), 12);
            if (ReadUInt16(entry, little) == OrientationTag)
            {
                bool single = (little ? BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]) : BinaryPrimitives.ReadUInt32BigEndian(entry[4..])) == 1;
                return ReadUInt16(entry[2..], little) == TypeShort && single ? ReadUInt16(entry[8..], little) : null;
            }
        }
        return null;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> data, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(data) : BinaryPrimitives.ReadUInt16BigEndian(data);
}
