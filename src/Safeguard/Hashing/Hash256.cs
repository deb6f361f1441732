// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Safeguard.Hashing;

/// <summary>
/// A 256-bit perceptual hash (PDQ). Bit <c>k</c> is DCT coefficient <c>(k / 16, k % 16)</c>;
/// the text form is the reference's: 64 lowercase hex digits, most significant word first
/// (specs/pdq.md §11).
/// </summary>
/// <remarks>
/// <see cref="Word0"/> holds bits 0–63 (the last 16 hex digits) … <see cref="Word3"/> bits 192–255
/// (the first 16 hex digits).
/// </remarks>
public readonly record struct Hash256(ulong Word0, ulong Word1, ulong Word2, ulong Word3) : ISpanFormattable
{
    /// <summary>Number of hex characters in the text form.</summary>
    public const int HexLength = 64;

    /// <summary>The all-zero hash (what PDQ returns for images under 5 px).</summary>
    public static Hash256 Zero => default;

    /// <summary>Reads bit <paramref name="k"/> (0–255).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool GetBit(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 255);
        ulong word = (k >> 6) switch { 0 => Word0, 1 => Word1, 2 => Word2, _ => Word3 };
        return ((word >> (k & 63)) & 1UL) != 0;
    }

    /// <summary>Returns a copy with bit <paramref name="k"/> set to <paramref name="value"/>.</summary>
    public Hash256 WithBit(int k, bool value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 255);
        ulong mask = 1UL << (k & 63);
        ulong Apply(ulong w) => value ? w | mask : w & ~mask;
        return (k >> 6) switch
        {
            0 => this with { Word0 = Apply(Word0) },
            1 => this with { Word1 = Apply(Word1) },
            2 => this with { Word2 = Apply(Word2) },
            _ => this with { Word3 = Apply(Word3) },
        };
    }

    /// <summary>Number of set bits.</summary>
    public int PopCount =>
        BitOperations.PopCount(Word0) + BitOperations.PopCount(Word1) +
        BitOperations.PopCount(Word2) + BitOperations.PopCount(Word3);

    /// <summary>Hamming distance: the number of differing bits (0–256).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int DistanceTo(in Hash256 other) =>
        BitOperations.PopCount(Word0 ^ other.Word0) + BitOperations.PopCount(Word1 ^ other.Word1) +
        BitOperations.PopCount(Word2 ^ other.Word2) + BitOperations.PopCount(Word3 ^ other.Word3);

    /// <summary>Hamming distance between two hashes.</summary>
    public static int Distance(in Hash256 a, in Hash256 b) => a.DistanceTo(b);

    /// <summary>Parses 64 hex digits (either case). Throws <see cref="FormatException"/> naming the problem.</summary>
    public static Hash256 Parse(ReadOnlySpan<char> hex)
    {
        if (!TryParse(hex, out var hash, out var error))
        {
            throw new FormatException(error);
        }
        return hash;
    }

    /// <summary>Parses 64 hex digits (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out Hash256 hash) => TryParse(hex, out hash, out _);

    /// <summary>Parses 64 hex digits (either case); on failure <paramref name="error"/> says why.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out Hash256 hash, [NotNullWhen(false)] out string? error)
    {
        hash = default;
        if (hex.Length != HexLength)
        {
            error = $"a PDQ hash is {HexLength} hex digits, got {hex.Length} characters";
            return false;
        }
        Span<ulong> words = stackalloc ulong[4];
        for (int w = 0; w < 4; w++)
        {
            // Word 3 is the first 16 digits.
            var part = hex.Slice((3 - w) * 16, 16);
            ulong value = 0;
            for (int i = 0; i < 16; i++)
            {
                int nibble = HexValue(part[i]);
                if (nibble < 0)
                {
                    error = $"a PDQ hash holds only hex digits; found '{(char.IsControl(part[i]) ? '?' : part[i])}' at position {((3 - w) * 16) + i}";
                    return false;
                }
                value = (value << 4) | (uint)nibble;
            }
            words[w] = value;
        }
        hash = new Hash256(words[0], words[1], words[2], words[3]);
        error = null;
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Writes the 32 bytes in the reference's order (byte 0 = first two hex digits).</summary>
    public void WriteBytes(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, 32);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination, Word3);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Word2);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[16..], Word1);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(destination[24..], Word0);
    }

    /// <summary>Reads 32 bytes in the reference's order (byte 0 = first two hex digits).</summary>
    public static Hash256 FromBytes(ReadOnlySpan<byte> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, 32);
        return new Hash256(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[24..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[16..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source[8..]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(source));
    }

    /// <summary>The reference text form: 64 lowercase hex digits.</summary>
    public override string ToString() => string.Create(HexLength, this, static (span, h) => h.TryFormat(span, out _, default, null));

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (destination.Length < HexLength)
        {
            charsWritten = 0;
            return false;
        }
        WriteWord(destination, Word3);
        WriteWord(destination[16..], Word2);
        WriteWord(destination[32..], Word1);
        WriteWord(destination[48..], Word0);
        charsWritten = HexLength;
        return true;

        static void WriteWord(Span<char> dest, ulong word)
        {
            for (int i = 15; i >= 0; i--)
            {
                dest[i] = "0123456789abcdef"[(int)(word & 0xF)];
                word >>= 4;
            }
        }
    }
}
