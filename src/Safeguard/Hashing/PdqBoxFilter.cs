// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.InteropServices;

namespace Safeguard.Hashing;

/// <summary>
/// The reference's one-dimensional box filter (<c>box1DFloat</c>, specs/pdq.md §6.2). Every variant
/// performs, per output sample, exactly the scalar float operations of the reference in the same
/// order; the vector variants only run several independent rows or columns side by side in lanes.
/// </summary>
internal static class PdqBoxFilter
{
    /// <summary>Window of the box along a side of <paramref name="length"/> samples (<c>computeJaroszFilterWindowSize(length, 64)</c>).</summary>
    public static int WindowSize(int length) => (length + 127) / 128;

    /// <summary>The reference's box over one contiguous run of samples.</summary>
    public static void Scalar(ReadOnlySpan<float> input, Span<float> output, int window)
    {
        int n = input.Length;
        int half = (window + 2) / 2;
        float sum = 0f;
        int count = 0;
        int r = 0, l = 0, o = 0;
        for (int k = 0; k < half - 1; k++)
        {
            sum += input[r++];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++)
        {
            sum += input[r++];
            count++;
            output[o++] = sum / count;
        }
        for (int k = 0; k < n - window; k++)
        {
            sum += input[r++];
            sum -= input[l++];
            output[o++] = sum / count;
        }
        for (int k = 0; k < half - 1; k++)
        {
            sum -= input[l++];
            count--;
            output[o++] = sum / count;
        }
    }

    /// <summary>
    /// The same box over <c>Vector&lt;float&gt;.Count</c> interleaved runs at once: sample <c>s</c> of
    /// lane <c>k</c> is <c>input[s · lanes + k]</c>.
    /// </summary>
    public static void Lanes(ReadOnlySpan<float> input, Span<float> output, int n, int window)
    {
        var x = MemoryMarshal.Cast<float, Vector<float>>(input)[..n];
        var y = MemoryMarshal.Cast<float, Vector<float>>(output)[..n];
        int half = (window + 2) / 2;
        var sum = Vector<float>.Zero;
        int count = 0;
        int r = 0, l = 0, o = 0;
        for (int k = 0; k < half - 1; k++)
        {
            sum += x[r++];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++)
        {
            sum += x[r++];
            count++;
            y[o++] = sum / new Vector<float>(count);
        }
        var divisor = new Vector<float>(count);
        for (int k = 0; k < n - window; k++)
        {
            sum += x[r++];
            sum -= x[l++];
            y[o++] = sum / divisor;
        }
        for (int k = 0; k < half - 1; k++)
        {
            sum -= x[l++];
            count--;
            y[o++] = sum / new Vector<float>(count);
        }
    }

    /// <summary>
    /// <see cref="Lanes"/>, but only the outputs at <paramref name="sampleColumns"/> (ascending) are
    /// divided out, into <c>output[j · lanes + k]</c>: the running sums still visit every sample, in
    /// the same order, so the kept values are bit-identical.
    /// </summary>
    public static void SampledLanes(ReadOnlySpan<float> input, int n, int window, ReadOnlySpan<int> sampleColumns, Span<float> output)
    {
        var x = MemoryMarshal.Cast<float, Vector<float>>(input)[..n];
        var y = MemoryMarshal.Cast<float, Vector<float>>(output);
        int half = (window + 2) / 2;
        var sum = Vector<float>.Zero;
        int count = 0;
        int r = 0, l = 0, o = 0, next = 0;
        for (int k = 0; k < half - 1; k++)
        {
            sum += x[r++];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++)
        {
            sum += x[r++];
            count++;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[next] = sum / new Vector<float>(count);
            }
            o++;
        }
        var divisor = new Vector<float>(count);
        for (int k = 0; k < n - window; k++)
        {
            sum += x[r++];
            sum -= x[l++];
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[next] = sum / divisor;
            }
            o++;
        }
        for (int k = 0; k < half - 1; k++)
        {
            sum -= x[l++];
            count--;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[next] = sum / new Vector<float>(count);
            }
            o++;
        }
    }

    /// <summary>The one-row twin of <see cref="SampledLanes"/>: <c>output[j]</c> is the box at <c>sampleColumns[j]</c>.</summary>
    public static void SampledScalar(ReadOnlySpan<float> input, int window, ReadOnlySpan<int> sampleColumns, Span<float> output)
    {
        int n = input.Length;
        int half = (window + 2) / 2;
        float sum = 0f;
        int count = 0;
        int r = 0, l = 0, o = 0, next = 0;
        for (int k = 0; k < half - 1; k++)
        {
            sum += input[r++];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++)
        {
            sum += input[r++];
            count++;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                output[next] = sum / count;
            }
            o++;
        }
        for (int k = 0; k < n - window; k++)
        {
            sum += input[r++];
            sum -= input[l++];
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                output[next] = sum / count;
            }
            o++;
        }
        for (int k = 0; k < half - 1; k++)
        {
            sum -= input[l++];
            count--;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                output[next] = sum / count;
            }
            o++;
        }
    }

    /// <summary>Column-box step: <c>sum += row</c>, element by element.</summary>
    public static void AddInto(Span<float> sum, ReadOnlySpan<float> row)
    {
        var sv = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var rv = MemoryMarshal.Cast<float, Vector<float>>(row[..sum.Length]);
        for (int i = 0; i < sv.Length; i++)
        {
            sv[i] += rv[i];
        }
        for (int j = sv.Length * Vector<float>.Count; j < sum.Length; j++)
        {
            sum[j] += row[j];
        }
    }

    /// <summary>Column-box step: <c>sum -= row</c>, element by element.</summary>
    public static void SubtractFrom(Span<float> sum, ReadOnlySpan<float> row)
    {
        var sv = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var rv = MemoryMarshal.Cast<float, Vector<float>>(row[..sum.Length]);
        for (int i = 0; i < sv.Length; i++)
        {
            sv[i] -= rv[i];
        }
        for (int j = sv.Length * Vector<float>.Count; j < sum.Length; j++)
        {
            sum[j] -= row[j];
        }
    }

    /// <summary>Column-box output: <c>output = sum / count</c>.</summary>
    public static void Divide(ReadOnlySpan<float> sum, int count, Span<float> output)
    {
        var sv = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var ov = MemoryMarshal.Cast<float, Vector<float>>(output[..sum.Length]);
        var divisor = new Vector<float>(count);
        for (int i = 0; i < sv.Length; i++)
        {
            ov[i] = sv[i] / divisor;
        }
        float d = count;
        for (int j = sv.Length * Vector<float>.Count; j < sum.Length; j++)
        {
            output[j] = sum[j] / d;
        }
    }

    /// <summary>
    /// The middle column-box step in one pass: <c>sum = (sum + add) − subtract</c> (two roundings,
    /// add first, as the reference does), then <c>output = sum / count</c>.
    /// </summary>
    public static void AddSubtractDivide(Span<float> sum, ReadOnlySpan<float> add, ReadOnlySpan<float> subtract, int count, Span<float> output)
    {
        var sv = MemoryMarshal.Cast<float, Vector<float>>(sum);
        var av = MemoryMarshal.Cast<float, Vector<float>>(add[..sum.Length]);
        var bv = MemoryMarshal.Cast<float, Vector<float>>(subtract[..sum.Length]);
        var ov = MemoryMarshal.Cast<float, Vector<float>>(output[..sum.Length]);
        var divisor = new Vector<float>(count);
        for (int i = 0; i < sv.Length; i++)
        {
            var s = sv[i] + av[i];
            s -= bv[i];
            sv[i] = s;
            ov[i] = s / divisor;
        }
        float d = count;
        for (int j = sv.Length * Vector<float>.Count; j < sum.Length; j++)
        {
            float s = sum[j] + add[j];
            s -= subtract[j];
            sum[j] = s;
            output[j] = s / d;
        }
    }
}

/// <summary>
/// The box of <see cref="PdqBoxFilter"/> run down every column of an image that arrives one row
/// at a time. Keeps a running sum per column and the last <c>window + 1</c> rows, so memory is
/// independent of the image height. Emits output rows in order.
/// </summary>
internal sealed class StreamingColumnBox
{
    private readonly int _rows;
    private readonly int _width;
    private readonly int _window;
    private readonly int _half;
    private readonly float[] _sum;
    private readonly float[] _ring;
    private readonly int _ringRows;
    private int _read;
    private int _left;
    private int _count;
    private int _drained;

    public StreamingColumnBox(int rows, int width, int window)
    {
        _rows = rows;
        _width = width;
        _window = window;
        _half = (window + 2) / 2;
        _sum = new float[width];
        _ringRows = window + 1;
        _ring = new float[checked(_ringRows * width)];
    }

    /// <summary>Adds the next input row; returns true when that produced an output row in <paramref name="output"/>.</summary>
    public bool Push(ReadOnlySpan<float> row, Span<float> output)
    {
        int r = _read++;
        row[.._width].CopyTo(_ring.AsSpan((r % _ringRows) * _width, _width));
        if (r < _half - 1)
        {
            PdqBoxFilter.AddInto(_sum, row);
            _count++;
            return false;
        }
        if (r < _window)
        {
            PdqBoxFilter.AddInto(_sum, row);
            _count++;
        }
        else
        {
            PdqBoxFilter.AddSubtractDivide(_sum, row, _ring.AsSpan((_left++ % _ringRows) * _width, _width), _count, output);
            return true;
        }
        PdqBoxFilter.Divide(_sum, _count, output);
        return true;
    }

    /// <summary>After the last input row: produces the next of the <c>half − 1</c> trailing output rows; false when none is left.</summary>
    public bool Drain(Span<float> output)
    {
        if (_read != _rows)
        {
            throw new InvalidOperationException($"the image has {_rows} rows; {_read} were given");
        }
        if (_drained >= _half - 1)
        {
            return false;
        }
        _drained++;
        PdqBoxFilter.SubtractFrom(_sum, _ring.AsSpan((_left++ % _ringRows) * _width, _width));
        _count--;
        PdqBoxFilter.Divide(_sum, _count, output);
        return true;
    }
}
