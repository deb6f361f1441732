// SPDX-License-Identifier: Apache-2.0
using System.Buffers;
using System.Numerics;

namespace Safeguard.Hashing;

/// <summary>
/// Computes a PDQ hash from luma delivered one row at a time, top to bottom, so that a decoder can
/// stream rows in without the whole image ever being held as floats. Bit-exact with the reference
/// (specs/pdq.md §5–§12): the two-pass Jarosz filter runs as four streaming stages (row box, column
/// box, row box, column box) whose arithmetic per sample is the reference's in the reference's order.
/// Only the 64 × 64 samples the decimation keeps are carried out of the second row pass.
/// Not thread-safe; one instance hashes one image.
/// </summary>
public sealed class PdqLumaHasher : IDisposable
{
    private const int Side = 64;

    // Rows are boxed in groups of Vector<float>.Count, one row per lane, unless a row is so long
    // that a group of them would be a large allocation; then one row at a time.
    private const int MaxLaneRowLength = 1 << 18;

    private readonly int _rows;
    private readonly int _cols;
    private readonly bool _shortcut;
    private readonly int _windowAcross;
    private readonly int _stripRows;
    private readonly int[] _sampleCols = new int[Side];
    private readonly int[] _sampleRows = new int[Side];
    private readonly float[] _decimated = new float[Side * Side];

    private readonly StreamingColumnBox? _firstColumnBox;
    private readonly StreamingColumnBox? _secondColumnBox;

    // Pooled scratch; cleared on return because it holds image-derived values.
    private float[]? _strip;
    private float[]? _lanesIn;
    private float[]? _lanesOut;
    private float[]? _rowOut;
    private readonly float[] _sampled = new float[Side];
    private readonly float[] _sampledOut = new float[Side];

    private float[]? _scratch;
    private float[]? _secondStrip;
    private int _stripCount;
    private int _secondStripCount;
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
        TooSmall = rows < PdqHasher.MinHashableDimension || cols < PdqHasher.MinHashableDimension;
        _shortcut = rows == Side && cols == Side;
        if (TooSmall || _shortcut)
        {
            return;
        }
        _windowAcross = PdqBoxFilter.WindowSize(cols);
        int windowDown = PdqBoxFilter.WindowSize(rows);
        for (int i = 0; i < Side; i++)
        {
            _sampleRows[i] = (int)(((i + 0.5) * rows) / Side);
            _sampleCols[i] = (int)(((i + 0.5) * cols) / Side);
        }
        _stripRows = cols <= MaxLaneRowLength && Vector.IsHardwareAccelerated ? Vector<float>.Count : 1;
        _strip = ArrayPool<float>.Shared.Rent(_stripRows * cols);
        _rowOut = ArrayPool<float>.Shared.Rent(cols);
        _scratch = ArrayPool<float>.Shared.Rent(cols);
        _secondStrip = ArrayPool<float>.Shared.Rent(_stripRows * cols);
        if (_stripRows > 1)
        {
            _lanesIn = ArrayPool<float>.Shared.Rent(_stripRows * cols);
            _lanesOut = ArrayPool<float>.Shared.Rent(_stripRows * cols);
        }
        _firstColumnBox = new StreamingColumnBox(rows, cols, windowDown);
        _secondColumnBox = new StreamingColumnBox(rows, Side, windowDown);
    }

    /// <summary>True when a side is under <see cref="PdqHasher.MinHashableDimension"/>: rows are ignored and the hash is zero.</summary>
    public bool TooSmall { get; }

    /// <summary>Rows given so far.</summary>
    public int RowsAdded { get; private set; }

    /// <summary>Adds the next row of luma (<c>cols</c> values, top row first).</summary>
    public void AddRow(ReadOnlySpan<float> luma)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (RowsAdded >= _rows)
        {
            throw new InvalidOperationException($"the image has {_rows} rows; another was given");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(luma.Length, _cols);
        int row = RowsAdded++;
        if (TooSmall)
        {
            return;
        }
        if (_shortcut)
        {
            luma[..Side].CopyTo(_decimated.AsSpan(row * Side, Side));
            return;
        }
        luma[.._cols].CopyTo(_strip.AsSpan(_stripCount * _cols, _cols));
        if (++_stripCount == _stripRows)
        {
            FirstRowPass();
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
                if (_stripCount > 0)
                {
                    FirstRowPass();
                }
                while (_firstColumnBox!.Drain(_rowOut))
                {
                    SecondRowPass(_rowOut);
                }
                FlushSecondRowPass();
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

    private void FirstRowPass()
    {
        var strip = _strip.AsSpan(0, _stripCount * _cols);
        if (_stripCount == _stripRows && _stripRows > 1)
        {
            BoxStripAcross(strip);
        }
        else
        {
            for (int k = 0; k < _stripCount; k++)
            {
                var row = strip.Slice(k * _cols, _cols);
                PdqBoxFilter.Scalar(row, _scratch, _windowAcross);
                _scratch.AsSpan(0, _cols).CopyTo(row);
            }
        }
        int filled = _stripCount;
        _stripCount = 0;
        for (int k = 0; k < filled; k++)
        {
            if (_firstColumnBox!.Push(strip.Slice(k * _cols, _cols), _rowOut))
            {
                SecondRowPass(_rowOut);
            }
        }
    }

    private void SecondRowPass(ReadOnlySpan<float> row)
    {
        row[.._cols].CopyTo(_secondStrip.AsSpan(_secondStripCount * _cols, _cols));
        if (++_secondStripCount == _stripRows)
        {
            FlushSecondRowPass();
        }
    }

    private void FlushSecondRowPass()
    {
        if (_secondStripCount == 0)
        {
            return;
        }
        var strip = _secondStrip.AsSpan(0, _secondStripCount * _cols);
        int filled = _secondStripCount;
        _secondStripCount = 0;
        bool inLanes = filled == _stripRows && _stripRows > 1;
        if (inLanes)
        {
            // Only the 64 sampled columns leave this pass, so they are read straight from the lanes.
            BoxLanes(strip);
        }
        else
        {
            for (int k = 0; k < filled; k++)
            {
                var row = strip.Slice(k * _cols, _cols);
                PdqBoxFilter.Scalar(row, _scratch, _windowAcross);
                _scratch.AsSpan(0, _cols).CopyTo(row);
            }
        }
        for (int k = 0; k < filled; k++)
        {
            for (int j = 0; j < Side; j++)
            {
                _sampled[j] = inLanes ? _lanesOut![(_sampleCols[j] * _stripRows) + k] : strip[(k * _cols) + _sampleCols[j]];
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

    /// <summary>Boxes each of the <c>Vector&lt;float&gt;.Count</c> rows of <paramref name="strip"/> across, one row per lane, in place.</summary>
    private void BoxStripAcross(Span<float> strip)
    {
        BoxLanes(strip);
        PdqTranspose.FromLanes(_lanesOut.AsSpan(0, _stripRows * _cols), strip, _stripRows, _cols);
    }

    /// <summary>Boxes the rows of <paramref name="strip"/>, leaving the result interleaved in <see cref="_lanesOut"/>.</summary>
    private void BoxLanes(ReadOnlySpan<float> strip)
    {
        var lanesIn = _lanesIn.AsSpan(0, _stripRows * _cols);
        PdqTranspose.ToLanes(strip, lanesIn, _stripRows, _cols);
        PdqBoxFilter.Lanes(lanesIn, _lanesOut.AsSpan(0, _stripRows * _cols), _cols, _windowAcross);
    }

    /// <summary>Returns the pooled buffers, cleared. Called by <see cref="Finish"/>; call it when abandoning a hash.</summary>
    public void Dispose()
    {
        if (_finished)
        {
            return;
        }
        _finished = true;
        Return(ref _strip);
        Return(ref _lanesIn);
        Return(ref _lanesOut);
        Return(ref _rowOut);
        Return(ref _scratch);
        Return(ref _secondStrip);

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
