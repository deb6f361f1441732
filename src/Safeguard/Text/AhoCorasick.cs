// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Text;

/// <summary>
/// Multi-pattern substring search (Aho–Corasick): one pass over the text finds every occurrence
/// of every pattern, in time linear in the text plus the number of matches, whatever the number
/// of patterns. Immutable once built; safe for concurrent searches.
/// </summary>
internal sealed class AhoCorasick
{
    private readonly Dictionary<char, int>[] _next;
    private readonly int[] _fail;
    private readonly int[][] _outputs;

    /// <summary>Builds the automaton; <paramref name="patterns"/>[i] is reported as value i. Empty patterns are ignored.</summary>
    public AhoCorasick(IReadOnlyList<string> patterns)
    {
        var next = new List<Dictionary<char, int>> { new() };
        var outputs = new List<List<int>> { new() };
        for (int p = 0; p < patterns.Count; p++)
        {
            string pattern = patterns[p];
            if (pattern.Length == 0)
            {
                continue;
            }
            int state = 0;
            foreach (char c in pattern)
            {
                if (!next[state].TryGetValue(c, out int child))
                {
                    child = next.Count;
                    next[state][c] = child;
                    next.Add([]);
                    outputs.Add([]);
                }
                state = child;
            }
            outputs[state].Add(p);
        }
        var fail = new int[next.Count];
        var queue = new Queue<int>();
        foreach (int child in next[0].Values)
        {
            queue.Enqueue(child);
        }
        while (queue.Count > 0)
        {
            int state = queue.Dequeue();
            foreach (var (c, child) in next[state])
            {
                int f = fail[state];
                while (f != 0 && !next[f].ContainsKey(c))
                {
                    f = fail[f];
                }
                fail[child] = next[f].TryGetValue(c, out int target) && target != child ? target : 0;
                outputs[child].AddRange(outputs[fail[child]]);
                queue.Enqueue(child);
            }
        }
        _next = [.. next];
        _fail = fail;
        _outputs = [.. outputs.Select(o => o.ToArray())];
    }

    /// <summary>Calls <paramref name="onMatch"/>(pattern, end) for every occurrence; end is exclusive.</summary>
    public void Search<TState>(ReadOnlySpan<char> text, ref TState state, MatchHandler<TState> onMatch)
    {
        int s = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int target;
            while (!_next[s].TryGetValue(c, out target) && s != 0)
            {
                s = _fail[s];
            }
            s = _next[s].TryGetValue(c, out target) ? target : 0;
            foreach (int pattern in _outputs[s])
            {
                onMatch(ref state, pattern, i + 1);
            }
        }
    }

    public delegate void MatchHandler<TState>(ref TState state, int pattern, int end);
}
