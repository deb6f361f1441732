// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Matching;

/// <summary>Merging append segments and worn segments into new table segments, off the query path.</summary>
public sealed partial class PdqRadiusIndex
{
    /// <summary>
    /// Merges everything into one table segment now (waiting for any background merge first):
    /// afterwards there is no append segment and no removed entry left.
    /// </summary>
    public void Compact()
    {
        _compactionGate.Wait();
        try
        {
            MergeOnce(full: true);
        }
        finally
        {
            _compactionGate.Release();
        }
    }

    /// <summary>Waits until no background merge is running or due (tests, orderly shutdown).</summary>
    public void WaitForBackgroundMerges()
    {
        while (true)
        {
            Task pending;
            lock (_write)
            {
                pending = _background;
                if (pending.IsCompleted && !_mergeScheduled)
                {
                    return;
                }
            }
            pending.Wait();
        }
    }

    private int AppendThreshold()
    {
        if (_options.AppendThreshold > 0)
        {
            return _options.AppendThreshold;
        }
        return Math.Clamp(Count / 32, 4096, 1 << 20);
    }

    /// <summary>Freezes a full append segment and starts the background merger if there is work. Caller holds the write lock.</summary>
    private void MaybeScheduleMergeLocked()
    {
        var state = _state;
        if (state.Append.Count >= AppendThreshold())
        {
            state = state with { Frozen = [.. state.Frozen, state.Append], Append = new AppendBuffer(InitialAppendCapacity) };
            Volatile.Write(ref _state, state);
        }
        if (!_options.BackgroundCompaction || _mergeScheduled || !HasMergeWork(state, full: false))
        {
            return;
        }
        _mergeScheduled = true;
        _background = Task.Run(BackgroundMerges);
    }

    private void BackgroundMerges()
    {
        _compactionGate.Wait();
        try
        {
            while (true)
            {
                lock (_write)
                {
                    if (!HasMergeWork(_state, full: false))
                    {
                        _mergeScheduled = false;
                        return;
                    }
                }
                MergeOnce(full: false);
            }
        }
        catch
        {
            lock (_write)
            {
                _mergeScheduled = false;
            }
            throw;
        }
        finally
        {
            _compactionGate.Release();
        }
    }

    private bool HasMergeWork(State state, bool full)
    {
        if (full)
        {
            return state.Frozen.Length > 0 || state.Append.Count > 0 || state.Segments.Length > 1 ||
                   (state.Segments.Length == 1 && state.Segments[0].Live < state.Segments[0].Count);
        }
        return state.Frozen.Length > 0 || state.Segments.Length > _options.MaxSegments ||
               Array.Exists(state.Segments, Worn);
    }

    private bool Worn(MihSegment s) => s.Count - s.Live > Math.Max(64, s.Count * _options.RebuildRemovedFraction);

    /// <summary>
    /// One merge: choose inputs under the lock, build without it, then swap under the lock,
    /// replaying removals that happened meanwhile. Caller holds <see cref="_compactionGate"/>.
    /// </summary>
    private void MergeOnce(bool full)
    {
        MihSegment[] segmentInputs;
        AppendBuffer[] bufferInputs;
        lock (_write)
        {
            var state = _state;
            if (!HasMergeWork(state, full))
            {
                return;
            }
            if (full && state.Append.Count > 0)
            {
                state = state with { Frozen = [.. state.Frozen, state.Append], Append = new AppendBuffer(InitialAppendCapacity) };
                Volatile.Write(ref _state, state);
            }
            bufferInputs = state.Frozen;
            segmentInputs = full ? state.Segments : ChooseSegments(state, bufferInputs);
            _removedDuringMerge = [];
        }

        MihSegment? merged = null;
        try
        {
            merged = BuildMerged(segmentInputs, bufferInputs);
        }
        finally
        {
            lock (_write)
            {
                var removed = _removedDuringMerge!;
                _removedDuringMerge = null;
                if (merged is not null)
                {
                    foreach (long id in removed)
                    {
                        int local = merged.Find(id);
                        if (local >= 0)
                        {
                            merged.Tombstone(local);
                        }
                    }
                    var state = _state;
                    var segments = state.Segments.Where(s => Array.IndexOf(segmentInputs, s) < 0).ToList();
                    if (merged.Count > 0)
                    {
                        segments.Add(merged);
                    }
                    var frozen = state.Frozen.Where(f => Array.IndexOf(bufferInputs, f) < 0).ToArray();
                    Volatile.Write(ref _state, new State([.. segments], frozen, state.Append));
                }
            }
        }
    }

    /// <summary>Worn segments, then smaller segments in size order while they are no more than twice the input so far, then as many as keep the count under the cap.</summary>
    private MihSegment[] ChooseSegments(State state, AppendBuffer[] buffers)
    {
        var chosen = state.Segments.Where(Worn).ToList();
        long inputLive = buffers.Sum(b => (long)b.Live) + chosen.Sum(s => (long)s.Live);
        var rest = state.Segments.Where(s => !chosen.Contains(s)).OrderBy(s => s.Live).ToList();
        foreach (var s in rest)
        {
            bool overCap = state.Segments.Length - chosen.Count + 1 > _options.MaxSegments;
            if (s.Live <= 2 * inputLive || overCap)
            {
                chosen.Add(s);
                inputLive += s.Live;
            }
        }
        return [.. chosen];
    }

    private MihSegment BuildMerged(MihSegment[] segments, AppendBuffer[] buffers)
    {
        long total = segments.Sum(s => (long)s.Live) + buffers.Sum(b => (long)b.Live);
        var codes = new List<ulong>((int)Math.Min(int.MaxValue / 2, total * 4));
        var ids = new List<long>((int)Math.Min(int.MaxValue / 2, total));
        foreach (var s in segments)
        {
            var sourceCodes = s.Codes;
            var sourceIds = s.Ids;
            for (int i = 0; i < sourceIds.Length; i++)
            {
                if (!s.IsRemoved(i))
                {
                    AddEntry(sourceCodes, i, sourceIds[i]);
                }
            }
        }
        foreach (var b in buffers)
        {
            var sourceCodes = b.Codes;
            var sourceIds = b.Ids;
            for (int i = 0; i < sourceIds.Length; i++)
            {
                if (!b.IsRemoved(i))
                {
                    AddEntry(sourceCodes, i, sourceIds[i]);
                }
            }
        }
        return BuildSegment([.. codes], [.. ids], _options);

        void AddEntry(ReadOnlySpan<ulong> source, int i, long id)
        {
            codes.AddRange(source.Slice(i * 4, 4));
            ids.Add(id);
        }
    }
}
