// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Matching;

/// <summary>
/// Work done by the calling thread's searches since its last <see cref="Reset"/>: directory
/// probes, candidates read, and codes scanned. For benchmarks that check the cost model.
/// </summary>
public static class MatchCounters
{
    [ThreadStatic]
    private static long t_probes;

    [ThreadStatic]
    private static long t_candidates;

    [ThreadStatic]
    private static long t_scanned;

    /// <summary>Directory probes (multi-index keys looked up).</summary>
    public static long Probes => t_probes;

    /// <summary>Table entries visited by probes, before residual and distance checks.</summary>
    public static long Candidates => t_candidates;

    /// <summary>Codes compared by linear scans.</summary>
    public static long Scanned => t_scanned;

    /// <summary>Zeroes this thread's counters.</summary>
    public static void Reset()
    {
        t_probes = 0;
        t_candidates = 0;
        t_scanned = 0;
    }

    internal static void Add(long probes, long candidates, long scanned)
    {
        t_probes += probes;
        t_candidates += candidates;
        t_scanned += scanned;
    }
}
