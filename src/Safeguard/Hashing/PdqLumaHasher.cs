// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Numerics;
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
/// Data moves between the two layouts by 8 × 8 transposes, and straight into where the next stage
/// reads it (the first column box's ring of rows, the second row pass's strip), never through an
/// extra copy. The second row pass divides only at the 64 columns the decimation keeps, and the
/// second column box sees only those columns.
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
    private readonly int _lanes;
    private readonly int _ringRows;
    private readonly int[] _sampleCols = new int[Side];
    private readonly int[] _sampleRows = new int[Side];
    private readonly float[] _decimated = new float[Side * Side];
    private readonly StreamingColumnBox? _secondColumnBox;
    private readonly float[] _sampledLanes;
    private readonly float[] _sampled = new float[Side];
    private readonly float[] _sampledOut = new float[Side];

    // Pooled scratch; cleared on return because it holds image-derived values.
    private float[]? _inputRows;   // rows given by AddRow, row-major, until a strip is full
    private float[]? _lanesIn;     // a strip in lanes: sample c of row k at c · lanes + k
    private float[]? _lanesOut;    // the first row box's output, in lanes
    private float[]? _ring;        // row-boxed rows, row-major, the last window + lanes of them
    private float[]? _columnSum;   // the first column box's running sums
    private float[]? _columnOut;   // the first column box's output rows, row-major, until a strip is full
    private float[]? _lumaRow;     // one row of luma, for pixel rows that do not fill a strip

    private int _inputCount;
    private int _boxedRows;
    private int _columnLeft;
    private int _columnCount;
    private int _columnOutCount;
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
        TooSmall = rows < PdqHasher.MinHashableDimension || cols < PdqHasher.MinHashableDimension;
        _shortcut = rows == Side && cols == Side;
        if (TooSmall || _shortcut)
        {
            return;
        }
        _windowAcross = PdqBoxFilter.WindowSize(cols);
        _windowDown = PdqBoxFilter.WindowSize(rows);
        _halfDown = (_windowDown + 2) / 2;
        for (int i = 0; i < Side; i++)
        {
            _sampleRows[i] = (int)(((i + 0.5) * rows) / Side);
            _sampleCols[i] = (int)(((i + 0.5) * cols) / Side);
        }
        _lanes = cols <= MaxLaneRowLength && Vector.IsHardwareAccelerated ? Vector<float>.Count : 1;
        // Row r is read again as row r - window is subtracted; a strip's rows stay contiguous.
        _ringRows = (_windowDown + _lanes + _lanes - 1) / _lanes * _lanes;
        _inputRows = Rent(_lanes * cols);
        _lanesIn = Rent(_lanes * cols);
        _lanesOut = Rent(_lanes * cols);
        _ring = Rent(_ringRows * cols);
        _columnSum = Rent(cols);
        _columnSum.AsSpan(0, cols).Clear();
        _columnOut = Rent(_lanes * cols);
        _lumaRow = Rent(cols);
        _sampledLanes = new float[Side * _lanes];
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
        if (++_inputCount == _lanes)
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
    /// Adds <paramref name="count"/> rows of 8-bit RGBA (alpha ignored), <c>cols · 4</c> bytes each,
    /// with luma by <paramref name="rule"/>. The same hash as converting each row with
    /// <see cref="PdqLuma.FromRgb"/> and calling <see cref="AddRow"/>, but whole strips go from pixels
    /// to lanes in one step.
    /// </summary>
    public void AddRgbaRows(ReadOnlySpan<byte> rgba, int count, PdqLumaRule rule)
    {
        int rowBytes = _cols * 4;
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(rgba.Length, (long)count * rowBytes);
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
            if (!_shortcut && _inputCount == 0 && count - i >= _lanes
                && PdqLuma.RgbaStripToLanes(rgba.Slice(i * rowBytes, _lanes * rowBytes), _lanesIn, _lanes, _cols, rule))
            {
                for (int k = 0; k < _lanes; k++)
                {
                    TakeRow();
                }
                FirstRowPass(_lanes);
                i += _lanes;
                continue;
            }
            PdqLuma.FromRgb(rgba.Slice(i * rowBytes, rowBytes), 4, luma, rule);
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
                DrainColumnBox();
                SecondRowPass();
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
        PdqTranspose.ToLanes(_inputRows.AsSpan(0, _lanes * _cols), _lanesIn, _lanes, _cols);
        FirstRowPass(count);
    }

    /// <summary>Boxes the strip in <see cref="_lanesIn"/> across (its first <paramref name="count"/> rows are real), then down.</summary>
    private void FirstRowPass(int count)
    {
        var ringStrip = _ring.AsSpan(_boxedRows % _ringRows * _cols, _lanes * _cols);
        if (_lanes > 1)
        {
            PdqBoxFilter.Lanes(_lanesIn.AsSpan(0, _lanes * _cols), _lanesOut.AsSpan(0, _lanes * _cols), _cols, _windowAcross);
            PdqTranspose.FromLanes(_lanesOut.AsSpan(0, _lanes * _cols), ringStrip, _lanes, _cols, count);
        }
        else
        {
            PdqBoxFilter.Scalar(_lanesIn.AsSpan(0, _cols), ringStrip, _windowAcross);
        }
        for (int k = 0; k < count; k++)
        {
            ColumnBoxRow(_boxedRows++);
        }
    }

    /// <summary>The first column box's step for input row <paramref name="row"/> (already in the ring), as <see cref="StreamingColumnBox"/> does it.</summary>
    private void ColumnBoxRow(int row)
    {
        var input = RingRow(row);
        var sum = _columnSum.AsSpan(0, _cols);
        if (row < _windowDown)
        {
            PdqBoxFilter.AddInto(sum, input);
            _columnCount++;
            if (row >= _halfDown - 1)
            {
                PdqBoxFilter.Divide(sum, _columnCount, NextColumnOutRow());
                ColumnOutRowDone();
            }
            return;
        }
        PdqBoxFilter.AddSubtractDivide(sum, input, RingRow(_columnLeft++), _columnCount, NextColumnOutRow());
        ColumnOutRowDone();
    }

    private void DrainColumnBox()
    {
        var sum = _columnSum.AsSpan(0, _cols);
        for (int k = 0; k < _halfDown - 1; k++)
        {
            PdqBoxFilter.SubtractFrom(sum, RingRow(_columnLeft++));
            _columnCount--;
            PdqBoxFilter.Divide(sum, _columnCount, NextColumnOutRow());
            ColumnOutRowDone();
        }
    }

    private Span<float> RingRow(int row) => _ring.AsSpan(row % _ringRows * _cols, _cols);

    private Span<float> NextColumnOutRow() => _columnOut.AsSpan(_columnOutCount * _cols, _cols);

    private void ColumnOutRowDone()
    {
        if (++_columnOutCount == _lanes)
        {
            SecondRowPass();
        }
    }

    /// <summary>Boxes the first column box's pending output rows across, keeping the 64 sampled columns, and feeds them down.</summary>
    private void SecondRowPass()
    {
        int count = _columnOutCount;
        _columnOutCount = 0;
        if (count == 0)
        {
            return;
        }
        if (_lanes > 1)
        {
            PdqTranspose.ToLanes(_columnOut.AsSpan(0, _lanes * _cols), _lanesIn, _lanes, _cols);
            PdqBoxFilter.SampledLanes(_lanesIn.AsSpan(0, _lanes * _cols), _cols, _windowAcross, _sampleCols, _sampledLanes);
        }
        for (int k = 0; k < count; k++)
        {
            if (_lanes > 1)
            {
                for (int j = 0; j < Side; j++)
                {
                    _sampled[j] = _sampledLanes[(j * _lanes) + k];
                }
            }
            else
            {
                PdqBoxFilter.SampledScalar(_columnOut.AsSpan(0, _cols), _windowAcross, _sampleCols, _sampled);
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
        Return(ref _ring);
        Return(ref _columnSum);
        Return(ref _columnOut);
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
