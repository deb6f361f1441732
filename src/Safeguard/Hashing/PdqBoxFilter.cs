// SPDX-License-Identifier: Apache-2.0
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Safeguard.Hashing;

/// <summary>
/// The reference's one-dimensional box filter (<c>box1DFloat</c>, specs/pdq.md §6.2). Every variant
/// performs, per output sample, exactly the scalar float operations of the reference in the same
/// order; the vector variants only run several independent rows or columns side by side in lanes.
/// The hot loops are compiled fully optimised from their first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): a command that hashes one photo would
/// otherwise run much of it in unoptimised code before tiered compilation catches up.
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    /// <see cref="Lanes"/> over two strips at once (<paramref name="inputA"/> into
    /// <paramref name="outputA"/>, <paramref name="inputB"/> into <paramref name="outputB"/>), as two
    /// independent running sums so that neither waits on the other's add latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LanesPair(ReadOnlySpan<float> inputA, ReadOnlySpan<float> inputB, Span<float> outputA, Span<float> outputB, int n, int window)
    {
        var xa = MemoryMarshal.Cast<float, Vector<float>>(inputA)[..n];
        var xb = MemoryMarshal.Cast<float, Vector<float>>(inputB)[..n];
        var ya = MemoryMarshal.Cast<float, Vector<float>>(outputA)[..n];
        var yb = MemoryMarshal.Cast<float, Vector<float>>(outputB)[..n];
        int half = (window + 2) / 2;
        var sumA = Vector<float>.Zero;
        var sumB = Vector<float>.Zero;
        int count = 0;
        int r = 0, l = 0, o = 0;
        for (int k = 0; k < half - 1; k++, r++)
        {
            sumA += xa[r];
            sumB += xb[r];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++, r++, o++)
        {
            sumA += xa[r];
            sumB += xb[r];
            count++;
            ya[o] = sumA / new Vector<float>(count);
            yb[o] = sumB / new Vector<float>(count);
        }
        var divisor = new Vector<float>(count);
        for (int k = 0; k < n - window; k++, r++, l++, o++)
        {
            sumA += xa[r];
            sumB += xb[r];
            sumA -= xa[l];
            sumB -= xb[l];
            ya[o] = sumA / divisor;
            yb[o] = sumB / divisor;
        }
        for (int k = 0; k < half - 1; k++, l++, o++)
        {
            sumA -= xa[l];
            sumB -= xb[l];
            count--;
            ya[o] = sumA / new Vector<float>(count);
            yb[o] = sumB / new Vector<float>(count);
        }
    }

    /// <summary>
    /// <see cref="Lanes"/> over <c>2 · Vector&lt;float&gt;.Count</c> interleaved runs (sample
    /// <c>s</c> of run <c>k</c> at <c>input[s · 2W + k]</c>), as two independent running sums so that
    /// neither waits on the other's add latency, and only the outputs at <paramref name="sampleColumns"/>
    /// (ascending) divided out, into <c>output[j · 2W + k]</c>. The running sums still visit every
    /// sample in the same order, so the kept values are bit-identical to the full box's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SampledLanePairs(ReadOnlySpan<float> input, int n, int window, ReadOnlySpan<int> sampleColumns, Span<float> output)
    {
        var x = MemoryMarshal.Cast<float, Vector<float>>(input)[..(2 * n)];
        var y = MemoryMarshal.Cast<float, Vector<float>>(output);
        int half = (window + 2) / 2;
        var sumA = Vector<float>.Zero;
        var sumB = Vector<float>.Zero;
        int count = 0;
        int r = 0, l = 0, o = 0, next = 0;
        for (int k = 0; k < half - 1; k++, r += 2)
        {
            sumA += x[r];
            sumB += x[r + 1];
            count++;
        }
        for (int k = 0; k < window - half + 1; k++, r += 2)
        {
            sumA += x[r];
            sumB += x[r + 1];
            count++;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[2 * next] = sumA / new Vector<float>(count);
                y[(2 * next) + 1] = sumB / new Vector<float>(count);
            }
            o++;
        }
        var divisor = new Vector<float>(count);
        for (int k = 0; k < n - window; k++, r += 2, l += 2)
        {
            sumA += x[r];
            sumB += x[r + 1];
            sumA -= x[l];
            sumB -= x[l + 1];
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[2 * next] = sumA / divisor;
                y[(2 * next) + 1] = sumB / divisor;
            }
            o++;
        }
        for (int k = 0; k < half - 1; k++, l += 2)
        {
            sumA -= x[l];
            sumB -= x[l + 1];
            count--;
            for (; next < sampleColumns.Length && sampleColumns[next] == o; next++)
            {
                y[2 * next] = sumA / new Vector<float>(count);
                y[(2 * next) + 1] = sumB / new Vector<float>(count);
            }
            o++;
        }
    }

    /// <summary>
    /// The first column box (<see cref="StreamingColumnBox"/>'s steps) over one group of rows, all
    /// columns at once: for each row k of the group, <c>sum += ring[addOffset[k] + c]</c> when that
    /// offset is not negative, then <c>sum −= ring[subtractOffset[k] + c]</c> likewise (two roundings,
    /// add first, as the reference does), and output <c>sum / divisor[k]</c>, stored in lanes:
    /// <c>lanes[c · group + k]</c>, ready for the second row box without another pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ColumnGroup(ReadOnlySpan<float> ring, Span<float> sum, Span<float> lanes,
        ReadOnlySpan<int> addOffset, ReadOnlySpan<int> subtractOffset, ReadOnlySpan<float> divisor)
    {
        int group = addOffset.Length;
        int cols = sum.Length;
        int width = Vector<float>.Count;
        ref float ringStart = ref MemoryMarshal.GetReference(ring);
        ref float sumStart = ref MemoryMarshal.GetReference(sum);
        ref float lanesStart = ref MemoryMarshal.GetReference(lanes);
        bool transpose = width == 8 && group % 8 == 0 && Avx.IsSupported;
        int c = 0;
        if (Vector.IsHardwareAccelerated && transpose)
        {
            // Eight rows per sweep across the columns: their outputs make one 8 × 8 transpose per
            // eight columns. Rows in the plain middle phase (nearly all) take a loop without checks.
            for (int k = 0; k < group; k += 8)
            {
                if (IsPlainMiddle(addOffset.Slice(k, 8), subtractOffset.Slice(k, 8), divisor.Slice(k, 8), cols))
                {
                    c = MiddleRows(ref Unsafe.Add(ref ringStart, addOffset[k]), ref Unsafe.Add(ref ringStart, subtractOffset[k]),
                        ref sumStart, ref Unsafe.Add(ref lanesStart, k), cols, group, divisor[k]);
                    continue;
                }
                for (c = 0; c + width <= cols; c += width)
                {
                    var s = Vector.LoadUnsafe(ref sumStart, (nuint)c);
                    var o0 = Step(ref s, ref ringStart, c, addOffset[k], subtractOffset[k], divisor[k]);
                    var o1 = Step(ref s, ref ringStart, c, addOffset[k + 1], subtractOffset[k + 1], divisor[k + 1]);
                    var o2 = Step(ref s, ref ringStart, c, addOffset[k + 2], subtractOffset[k + 2], divisor[k + 2]);
                    var o3 = Step(ref s, ref ringStart, c, addOffset[k + 3], subtractOffset[k + 3], divisor[k + 3]);
                    var o4 = Step(ref s, ref ringStart, c, addOffset[k + 4], subtractOffset[k + 4], divisor[k + 4]);
                    var o5 = Step(ref s, ref ringStart, c, addOffset[k + 5], subtractOffset[k + 5], divisor[k + 5]);
                    var o6 = Step(ref s, ref ringStart, c, addOffset[k + 6], subtractOffset[k + 6], divisor[k + 6]);
                    var o7 = Step(ref s, ref ringStart, c, addOffset[k + 7], subtractOffset[k + 7], divisor[k + 7]);
                    s.StoreUnsafe(ref sumStart, (nuint)c);
                    PdqTranspose.TransposeStore(
                        o0.AsVector256(), o1.AsVector256(), o2.AsVector256(), o3.AsVector256(),
                        o4.AsVector256(), o5.AsVector256(), o6.AsVector256(), o7.AsVector256(),
                        ref Unsafe.Add(ref lanesStart, (c * group) + k), (nuint)group);
                }
            }
        }
        else if (Vector.IsHardwareAccelerated)
        {
            for (; c + width <= cols; c += width)
            {
                var s = Vector.LoadUnsafe(ref sumStart, (nuint)c);
                for (int k = 0; k < group; k++)
                {
                    var output = Step(ref s, ref ringStart, c, addOffset[k], subtractOffset[k], divisor[k]);
                    for (int j = 0; j < width; j++)
                    {
                        lanes[((c + j) * group) + k] = output[j];
                    }
                }
                s.StoreUnsafe(ref sumStart, (nuint)c);
            }
        }
        for (; c < cols; c++)
        {
            float s = sum[c];
            for (int k = 0; k < group; k++)
            {
                if (addOffset[k] >= 0)
                {
                    s += ring[addOffset[k] + c];
                }
                if (subtractOffset[k] >= 0)
                {
                    s -= ring[subtractOffset[k] + c];
                }
                lanes[(c * group) + k] = s / divisor[k];
            }
            sum[c] = s;
        }
    }

    /// <summary>True when eight rows all add and subtract, share a divisor, and sit in consecutive ring rows.</summary>
    private static bool IsPlainMiddle(ReadOnlySpan<int> addOffset, ReadOnlySpan<int> subtractOffset, ReadOnlySpan<float> divisor, int cols)
    {
        for (int j = 0; j < 8; j++)
        {
            if (addOffset[j] != addOffset[0] + (j * cols) || subtractOffset[0] < 0 || subtractOffset[j] != subtractOffset[0] + (j * cols) || divisor[j] != divisor[0])
            {
                return false;
            }
        }
        return addOffset[0] >= 0;
    }

    /// <summary>
    /// <see cref="ColumnGroup"/>'s steps for eight middle-phase rows (add row j at <c>add + j·cols</c>,
    /// subtract row j at <c>subtract + j·cols</c>, one divisor) without per-row checks; the same
    /// operations in the same order. Returns the first column not done (the tail is scalar).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MiddleRows(ref float add, ref float subtract, ref float sum, ref float lanes, int cols, int group, float divisor)
    {
        var d = Vector256.Create(divisor);
        nuint r1 = (nuint)cols, r2 = 2 * r1, r3 = 3 * r1, r4 = 4 * r1, r5 = 5 * r1, r6 = 6 * r1, r7 = 7 * r1;
        int c = 0;
        for (; c + 8 <= cols; c += 8)
        {
            nuint at = (nuint)c;
            var s = Vector256.LoadUnsafe(ref sum, at);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at)), Vector256.LoadUnsafe(ref subtract, at));
            var o0 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r1)), Vector256.LoadUnsafe(ref subtract, at + r1));
            var o1 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r2)), Vector256.LoadUnsafe(ref subtract, at + r2));
            var o2 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r3)), Vector256.LoadUnsafe(ref subtract, at + r3));
            var o3 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r4)), Vector256.LoadUnsafe(ref subtract, at + r4));
            var o4 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r5)), Vector256.LoadUnsafe(ref subtract, at + r5));
            var o5 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r6)), Vector256.LoadUnsafe(ref subtract, at + r6));
            var o6 = Avx.Divide(s, d);
            s = Avx.Subtract(Avx.Add(s, Vector256.LoadUnsafe(ref add, at + r7)), Vector256.LoadUnsafe(ref subtract, at + r7));
            var o7 = Avx.Divide(s, d);
            s.StoreUnsafe(ref sum, at);
            PdqTranspose.TransposeStore(o0, o1, o2, o3, o4, o5, o6, o7, ref Unsafe.Add(ref lanes, c * group), (nuint)group);
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Step(ref Vector<float> sum, ref float ring, int column, int addOffset, int subtractOffset, float divisor)
    {
        if (addOffset >= 0)
        {
            sum += Vector.LoadUnsafe(ref ring, (nuint)(addOffset + column));
        }
        if (subtractOffset >= 0)
        {
            sum -= Vector.LoadUnsafe(ref ring, (nuint)(subtractOffset + column));
        }
        return sum / new Vector<float>(divisor);
    }

    /// <summary>The one-row twin of <see cref="SampledLanePairs"/>: <c>output[j]</c> is the box at <c>sampleColumns[j]</c>.</summary>
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
