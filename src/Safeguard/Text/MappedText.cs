// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Runtime.Intrinsics;

namespace Safeguard.Text;

/// <summary>
/// A derived view of a text (normalised, de-obfuscated) in which every char remembers the span of
/// the original text it came from, so that a match in the view can be reported in the original.
/// Buffers come from the shared array pool; call <see cref="Dispose"/> to return them.
/// </summary>
internal sealed class MappedText : IDisposable
{
    private char[] _chars;
    private int[] _starts;
    private int[] _ends;

    public MappedText(int capacity = 256)
    {
        capacity = Math.Max(capacity, 16);
        _chars = ArrayPool<char>.Shared.Rent(capacity);
        _starts = ArrayPool<int>.Shared.Rent(capacity);
        _ends = ArrayPool<int>.Shared.Rent(capacity);
    }

    public int Length { get; private set; }

    public ReadOnlySpan<char> Chars => _chars.AsSpan(0, Length);

    public char this[int index] => _chars[index];

    /// <summary>The underlying buffers (valid up to <see cref="Length"/>), for views that borrow them without copying.</summary>
    internal (char[] Chars, int[] Starts, int[] Ends) Buffers => (_chars, _starts, _ends);

    /// <summary>Start (inclusive) in the original text of the char at <paramref name="index"/>.</summary>
    public int StartOf(int index) => _starts[index];

    /// <summary>End (exclusive) in the original text of the char at <paramref name="index"/>.</summary>
    public int EndOf(int index) => _ends[index];

    public void Clear() => Length = 0;

    public void Append(char c, int start, int end)
    {
        if (Length == _chars.Length)
        {
            Grow();
        }
        _chars[Length] = c;
        _starts[Length] = start;
        _ends[Length] = end;
        Length++;
    }

    /// <summary>Appends chars that map one-to-one to the original text starting at <paramref name="start"/>.</summary>
    public void AppendIdentity(ReadOnlySpan<char> chars, int start)
    {
        while (Length + chars.Length > _chars.Length)
        {
            Grow();
        }
        chars.CopyTo(_chars.AsSpan(Length));
        var starts = _starts.AsSpan(Length, chars.Length);
        var ends = _ends.AsSpan(Length, chars.Length);
        int k = 0;
        if (Vector256.IsHardwareAccelerated && starts.Length >= Vector256<int>.Count)
        {
            var next = Vector256.Create(start) + Vector256<int>.Indices;
            var step = Vector256.Create(Vector256<int>.Count);
            for (; k <= starts.Length - Vector256<int>.Count; k += Vector256<int>.Count)
            {
                next.StoreUnsafe(ref starts[k]);
                (next + Vector256<int>.One).StoreUnsafe(ref ends[k]);
                next += step;
            }
        }
        for (; k < starts.Length; k++)
        {
            starts[k] = start + k;
            ends[k] = start + k + 1;
        }
        Length += chars.Length;
    }

    /// <summary>Appends <paramref name="count"/> chars of <paramref name="source"/> from <paramref name="from"/>, with their spans.</summary>
    public void AppendFrom(MappedText source, int from, int count)
    {
        while (Length + count > _chars.Length)
        {
            Grow();
        }
        source._chars.AsSpan(from, count).CopyTo(_chars.AsSpan(Length));
        source._starts.AsSpan(from, count).CopyTo(_starts.AsSpan(Length));
        source._ends.AsSpan(from, count).CopyTo(_ends.AsSpan(Length));
        Length += count;
    }

    /// <summary>Overwrites the char at <paramref name="index"/> and widens its original span.</summary>
    public void Set(int index, char c, int start, int end)
    {
        _chars[index] = c;
        _starts[index] = start;
        _ends[index] = end;
    }

    /// <summary>Drops everything from <paramref name="length"/> on.</summary>
    public void Truncate(int length) => Length = Math.Min(Length, length);

    private void Grow()
    {
        int size = checked(_chars.Length * 2);
        var chars = ArrayPool<char>.Shared.Rent(size);
        var starts = ArrayPool<int>.Shared.Rent(size);
        var ends = ArrayPool<int>.Shared.Rent(size);
        _chars.AsSpan(0, Length).CopyTo(chars);
        _starts.AsSpan(0, Length).CopyTo(starts);
        _ends.AsSpan(0, Length).CopyTo(ends);
        Return();
        _chars = chars;
        _starts = starts;
        _ends = ends;
    }

    private void Return()
    {
        ArrayPool<char>.Shared.Return(_chars);
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<int>.Shared.Return(_ends);
    }

    public void Dispose()
    {
        Return();
        _chars = [];
        _starts = [];
        _ends = [];
        Length = 0;
    }

    public override string ToString() => new(Chars);
}
