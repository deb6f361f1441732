// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Safeguard.Hashing;

/// <summary>
/// Computes a PDQ hash from luma delivered one row at a time, top to bottom, so that a decoder can
/// stream rows in without the whole image ever being held as floats. Bit-exact with the reference
/// (specs/pdq.md §5–§12): the two-pass Jarosz filter runs as four streaming stages (row box, column
/// box, row box, column box) whose arithmetic per sample is the reference's in the reference's order.
/// Not thread-safe; one instance hashes one image.
/// </summary>
/// <remarks>
/// Rows travel in strips of <c>Vector&lt;float&gt;.Count</c>, one row per vector lane, so the row
/// boxes run several rows side by side; the column boxes run across a row with columns in lanes.
/// Data moves between the two layouts by 8 × 8 transposes done in registers, written straight to
/// where the next stage reads: luma goes from pixels into lanes, the first row box's output (two
/// strips at a time, two independent running sums) into the column box's ring of rows, and the
/// column box (over groups of two strips' rows) into lanes for the second row box, which also runs
/// two running sums and divides only at the 64 columns the decimation keeps; the second column box
/// sees only those columns.
/// </remarks>
public sealed class PdqLumaHasher : IDisposable
{
    private const int Side = 64;

    // Rows are boxed in strips of Vector<float>.Count, one row per lane, unless a row is so long
    // that a strip of them would be a large allocation; then one row at a time.
    private const int MaxLaneRowLength = 1 << 18;

    private readonly int _rows;
    private readonly int _cols;
    private readonly bool _shortcut;
    private readonly int _windowAcross;
    private readonly int _windowDown;
    private readonly int _halfDown;
    private readonly int _stripRows;
    private readonly int _groupRows;
    private readonly int _ringRows;
    private readonly int _virtualRows;
    private readonly int[] _sampleCols = new int[Side];
    private readonly int[] _sampleRows = new int[Side];
    private readonly float[] _decimated = new float[Side * Side];
    private readonly StreamingColumnBox? _secondColumnBox;
    private readonly float[] _sampledLanes;
    private readonly float[] _sampled = new float[Side];
    private readonly float[] _sampledOut = new float[Side];
    private readonly int[] _addOffset;
    private readonly int[] _subtractOffset;
    private readonly float[] _divisor;

    // Pooled scratch; cleared on return because it holds image-derived values.
    private float[]? _inputRows;   // rows given by AddRow, row-major, until a strip is full
    private float[]? _lanesIn;     // a strip in lanes: sample c of row k at c · stripRows + k
    private float[]? _lanesOut;    // the first row box's output, in lanes
    private float[]? _pendingIn;   // a full strip in lanes waiting for the next, to be boxed as a pair
    private float[]? _pendingOut;  // the first row box's output for the waiting strip
    private float[]? _ring;        // row-boxed rows, row-major: the last window + group of them
    private float[]? _columnSum;   // the first column box's running sums
    private float[]? _columnLanes; // the first column box's output for a group, in lanes (groupRows per column)
    private float[]? _lumaRow;     // one row of luma, for pixel rows that do not fill a strip

    private int _inputCount;
    private int _pendingCount;
    private int _boxedRows;
    private int _nextVirtualRow;
    private int _secondPassRowsOut;
    private int _nextSampleRow;
    private bool _finished;

    /// <summary>Prepares to hash an image of <paramref name="rows"/> × <paramref name="cols"/> luma samples.</summary>
    public PdqLumaHasher(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        _rows = rows;
        _cols = cols;
        _sampledLanes = [];
        _addOffset = [];
        _subtractOffset = [];
        _divisor = [];
        TooSmall = rows < PdqHasher.MinHashableDimension || cols < PdqHasher.MinHashableDimension;
        _shortcut = rows == Side && cols == Side;
        if (TooSmall || _shortcut)
        {
            return;
        }
        _windowAcross = PdqBoxFilter.WindowSize(cols);
        _windowDown = PdqBoxFilter.WindowSize(rows);
        _halfDown = (_windowDown + 2) / 2;
        // The first column box runs over rows + half − 1 "virtual" rows: the real ones, then the
        // trailing outputs that only subtract (the reference's fourth phase).
        _virtualRows = rows + _halfDown - 1;
        for (int i = 0; i < Side; i++)
        {
            _sampleRows[i] = (int)(((i + 0.5) * rows) / Side);
            _sampleCols[i] = (int)(((i + 0.5) * cols) / Side);
        }
        bool lanes = cols <= MaxLaneRowLength && Vector.IsHardwareAccelerated;
        _stripRows = lanes ? Vector<float>.Count : 1;
        // Two strips' worth of rows per column group, so the second row box runs two independent
        // running sums at once (one alone waits on its own add latency).
        _groupRows = lanes ? 2 * Vector<float>.Count : 1;
        // Row r is read again when row r + window is added; a strip's rows stay contiguous.
        _ringRows = (_windowDown + _groupRows + _stripRows - 1) / _stripRows * _stripRows;
        _inputRows = Rent(_stripRows * cols);
        _lanesIn = Rent(_stripRows * cols);
        _lanesOut = Rent(_stripRows * cols);
        _pendingIn = Rent(_stripRows * cols);
        _pendingOut = Rent(_stripRows * cols);
        _ring = Rent(_ringRows * cols);
        _columnSum = Rent(cols);
        _columnSum.AsSpan(0, cols).Clear();
        _columnLanes = Rent(_groupRows * cols);
        _lumaRow = Rent(cols);
        _sampledLanes = new float[Side * _groupRows];
        _addOffset = new int[_groupRows];
        _subtractOffset = new int[_groupRows];
        _divisor = new float[_groupRows];
        _secondColumnBox = new StreamingColumnBox(rows, Side, _windowDown);
    }

    /// <summary>True when a side is under <see cref="PdqHasher.MinHashableDimension"/>: rows are ignored and the hash is zero.</summary>
    public bool TooSmall { get; }

    /// <summary>Rows given so far.</summary>
    public int RowsAdded { get; private set; }

    /// <summary>Adds the next row of luma (<c>cols</c> values, top row first).</summary>
    public void AddRow(ReadOnlySpan<float> luma)
    {
        int row = TakeRow();
        ArgumentOutOfRangeException.ThrowIfLessThan(luma.Length, _cols);
        if (TooSmall)
        {
            return;
        }
        if (_shortcut)
        {
            luma[..Side].CopyTo(_decimated.AsSpan(row * Side, Side));
            return;
        }
        luma[.._cols].CopyTo(_inputRows.AsSpan(_inputCount * _cols, _cols));
        if (++_inputCount == _stripRows)
        {
            FlushInputRows();
        }
    }

    /// <summary>Adds several rows at once (<c>count · cols</c> values).</summary>
    public void AddRows(ReadOnlySpan<float> luma, int count)
    {
        for (int i = 0; i < count; i++)
        {
            AddRow(luma.Slice(i * _cols, _cols));
        }
    }

    /// <summary>
    /// Adds <paramref name="count"/> rows of 8-bit RGB (<paramref name="channels"/> = 3) or RGBA (4,
    /// alpha ignored) pixels, <c>cols · channels</c> bytes each, with luma by <paramref name="rule"/>.
    /// The same hash as converting each row with <see cref="PdqLuma.FromRgb"/> and calling
    /// <see cref="AddRow"/>, but whole strips go from pixels to lanes in one step.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddPixelRows(ReadOnlySpan<byte> pixels, int channels, int count, PdqLumaRule rule)
    {
        if (channels is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "3 (RGB) or 4 (RGBA) bytes per pixel");
        }
        int rowBytes = _cols * channels;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels.Length, (long)count * rowBytes);
        if (TooSmall)
        {
            for (int i = 0; i < count; i++)
            {
                TakeRow();
            }
            return;
        }
        var luma = _shortcut ? new float[Side] : _lumaRow.AsSpan(0, _cols);
        for (int i = 0; i < count;)
        {
            if (!_shortcut && _inputCount == 0 && count - i >= _stripRows
                && PdqLuma.PixelStripToLanes(pixels.Slice(i * rowBytes, _stripRows * rowBytes), channels, _lanesIn, _stripRows, _cols, rule))
            {
                for (int k = 0; k < _stripRows; k++)
                {
                    TakeRow();
                }
                FirstRowPass(_stripRows);
                i += _stripRows;
                continue;
            }
            PdqLuma.FromRgb(pixels.Slice(i * rowBytes, rowBytes), channels, luma, rule);
            AddRow(luma);
            i++;
        }
    }

    private int TakeRow()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (RowsAdded >= _rows)
        {
            throw new InvalidOperationException($"the image has {_rows} rows; another was given");
        }
        return RowsAdded++;
    }

    /// <summary>Computes the hash once every row has been added.</summary>
    public PdqHashResult Finish(bool dihedral = false)
    {
        var decimated = FinishToDecimated();
        return decimated is null
            ? PdqHasher.ZeroResult(dihedral)
            : PdqHasher.HashDecimated(decimated, dihedral);
    }

    /// <summary>The 64 × 64 buffer of §7 (after the shortcut, when it applies); null when too small.</summary>
    internal float[]? FinishToDecimated()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (RowsAdded != _rows)
        {
            throw new InvalidOperationException($"the image has {_rows} rows; only {RowsAdded} were given");
        }
        try
        {
            if (TooSmall)
            {
                return null;
            }
            if (!_shortcut)
            {
                if (_inputCount > 0)
                {
                    FlushInputRows();
                }
                if (_pendingCount > 0)
                {
                    BoxStrip(_pendingIn!, _pendingOut!, _pendingCount);
                    _pendingCount = 0;
                }
                RunColumnGroups();
                while (_secondColumnBox!.Drain(_sampledOut))
                {
                    TakeSampleRow();
                }
            }
            return _decimated;
        }
        finally
        {
            Dispose();
        }
    }

    private void FlushInputRows()
    {
        int count = _inputCount;
        _inputCount = 0;
        PdqTranspose.ToLanes(_inputRows.AsSpan(0, _stripRows * _cols), _lanesIn, _stripRows, _cols);
        FirstRowPass(count);
    }

    /// <summary>
    /// Boxes the strip in <see cref="_lanesIn"/> across (its first <paramref name="count"/> rows are
    /// real) into the ring, then runs what the column box can. A full strip waits for the next, and
    /// the two are boxed together.
    /// </summary>
    private void FirstRowPass(int count)
    {
        if (_stripRows == 1)
        {
            PdqBoxFilter.Scalar(_lanesIn.AsSpan(0, _cols), _ring.AsSpan(_boxedRows % _ringRows * _cols, _cols), _windowAcross);
            _boxedRows++;
        }
        else if (_pendingCount == 0 && count == _stripRows)
        {
            (_pendingIn, _lanesIn) = (_lanesIn, _pendingIn);
            _pendingCount = count;
            return;
        }
        else if (_pendingCount > 0)
        {
            int length = _stripRows * _cols;
            PdqBoxFilter.LanesPair(_pendingIn.AsSpan(0, length), _lanesIn.AsSpan(0, length), _pendingOut.AsSpan(0, length), _lanesOut.AsSpan(0, length), _cols, _windowAcross);
            ToRing(_pendingOut!, _pendingCount);
            ToRing(_lanesOut!, count);
            _pendingCount = 0;
        }
        else
        {
            BoxStrip(_lanesIn!, _lanesOut!, count);
            return;
        }
        RunColumnGroups();
    }

    /// <summary>Boxes one strip alone (the last, or a partial one) into the ring and runs what the column box can.</summary>
    private void BoxStrip(float[] lanesIn, float[] lanesOut, int count)
    {
        int length = _stripRows * _cols;
        PdqBoxFilter.Lanes(lanesIn.AsSpan(0, length), lanesOut.AsSpan(0, length), _cols, _windowAcross);
        ToRing(lanesOut, count);
        RunColumnGroups();
    }

    /// <summary>Writes the first <paramref name="count"/> rows of a boxed strip (in lanes) to the ring as rows.</summary>
    private void ToRing(float[] lanesOut, int count)
    {
        var ringStrip = _ring.AsSpan(_boxedRows % _ringRows * _cols, _stripRows * _cols);
        PdqTranspose.FromLanes(lanesOut.AsSpan(0, _stripRows * _cols), ringStrip, _stripRows, _cols, count);
        _boxedRows += count;
    }

    /// <summary>Runs the column box over every group of virtual rows whose input rows are all boxed.</summary>
    private void RunColumnGroups()
    {
        while (_nextVirtualRow < _virtualRows)
        {
            int start = _nextVirtualRow;
            int end = Math.Min(start + _groupRows, _virtualRows);
            if (Math.Min(end, _rows) > _boxedRows)
            {
                return;
            }
            ColumnGroup(start, end);
            _nextVirtualRow = end;
        }
    }

    /// <summary>
    /// The first column box (as <see cref="StreamingColumnBox"/> does it) for virtual rows
    /// <paramref name="start"/> to <paramref name="end"/>, with the outputs written straight into
    /// lanes for the second row box; then that box and the second column box.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ColumnGroup(int start, int end)
    {
        int firstOutput = -1;
        for (int k = 0; k < _groupRows; k++)
        {
            int v = start + k;
            bool real = v < end;
            _addOffset[k] = real && v < _rows ? v % _ringRows * _cols : -1;
            _subtractOffset[k] = real && v >= _windowDown ? (v - _windowDown) % _ringRows * _cols : -1;
            _divisor[k] = !real ? 1 : v < _windowDown ? v + 1 : v < _rows ? _windowDown : _windowDown - (v - _rows + 1);
            if (real && v >= _halfDown - 1 && firstOutput < 0)
            {
                firstOutput = k;
            }
        }
        PdqBoxFilter.ColumnGroup(_ring, _columnSum.AsSpan(0, _cols), _columnLanes.AsSpan(0, _groupRows * _cols), _addOffset, _subtractOffset, _divisor);
        if (firstOutput < 0)
        {
            return;
        }
        int outputs = end - start - firstOutput;
        if (_groupRows > 1)
        {
            PdqBoxFilter.SampledLanePairs(_columnLanes.AsSpan(0, _groupRows * _cols), _cols, _windowAcross, _sampleCols, _sampledLanes);
        }
        else
        {
            PdqBoxFilter.SampledScalar(_columnLanes.AsSpan(0, _cols), _windowAcross, _sampleCols, _sampledLanes);
        }
        for (int k = firstOutput; k < firstOutput + outputs; k++)
        {
            for (int j = 0; j < Side; j++)
            {
                _sampled[j] = _sampledLanes[(j * _groupRows) + k];
            }
            if (_secondColumnBox!.Push(_sampled, _sampledOut))
            {
                TakeSampleRow();
            }
        }
    }

    private void TakeSampleRow()
    {
        int outputRow = _secondPassRowsOut++;
        while (_nextSampleRow < Side && _sampleRows[_nextSampleRow] == outputRow)
        {
            _sampledOut.CopyTo(_decimated.AsSpan(_nextSampleRow * Side, Side));
            _nextSampleRow++;
        }
    }

    private static float[] Rent(int length) => ArrayPool<float>.Shared.Rent(Math.Max(1, length));

    /// <summary>Returns the pooled buffers, cleared. Called by <see cref="Finish"/>; call it when abandoning a hash.</summary>
    public void Dispose()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        Return(ref _inputRows);
        Return(ref _lanesIn);
        Return(ref _lanesOut);
        Return(ref _pendingIn);
        Return(ref _pendingOut);
        Return(ref _ring);
        Return(ref _columnSum);
        Return(ref _columnLanes);
        Return(ref _lumaRow);
        Array.Clear(_sampledLanes);
        Array.Clear(_sampled);

        static void Return(ref float[]? buffer)
        {
            if (buffer is not null)
            {
                ArrayPool<float>.Shared.Return(buffer, clearArray: true);
                buffer = null;
            }
        }
    }
}
