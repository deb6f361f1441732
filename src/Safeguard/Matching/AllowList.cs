// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Matching;

/// <summary>One match of a check against a bank entry, with the bank's polarity.</summary>
/// <param name="Bank">Bank name.</param>
/// <param name="AllowList">True when the bank is an allow-list (known harmless content).</param>
/// <param name="Kind">Hash kind: <c>pdq</c> (perceptual) or <c>md5</c>/<c>sha1</c>/<c>sha256</c> (exact).</param>
/// <param name="EntryId">The entry.</param>
/// <param name="Distance">Hamming distance (0 for exact kinds).</param>
public readonly record struct BankHit(string Bank, bool AllowList, string Kind, long EntryId, int Distance)
{
    /// <summary>True for PDQ (a near match); false for an exact digest.</summary>
    public bool IsPerceptual => string.Equals(Kind, "pdq", StringComparison.Ordinal);
}

/// <summary>
/// Applies allow-list (negative) banks before positive ones. An exact allow-list hit (the very file a
/// reviewer cleared) cancels every positive hit. A perceptual allow-list hit cancels positive
/// perceptual hits only: an exact digest of known material is not a near miss, and a cleared
/// look-alike must never hide it.
/// </summary>
public static class AllowListFilter
{
    /// <summary>The positive hits that still count, and those the allow-list cancelled.</summary>
    public static (IReadOnlyList<BankHit> Effective, IReadOnlyList<BankHit> Suppressed) Apply(IReadOnlyList<BankHit> hits)
    {
        ArgumentNullException.ThrowIfNull(hits);
        var exactAllow = false;
        var perceptualAllow = false;
        foreach (var hit in hits)
        {
            if (hit.AllowList)
            {
                exactAllow |= !hit.IsPerceptual;
                perceptualAllow |= hit.IsPerceptual;
            }
        }
        var effective = new List<BankHit>();
        var suppressed = new List<BankHit>();
        foreach (var hit in hits)
        {
            if (hit.AllowList)
            {
                continue;
            }
            var cancelled = exactAllow || (perceptualAllow && hit.IsPerceptual);
            (cancelled ? suppressed : effective).Add(hit);
        }
        return (effective, suppressed);
    }
}
