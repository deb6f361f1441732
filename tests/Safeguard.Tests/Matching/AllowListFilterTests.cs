// SPDX-License-Identifier: Apache-2.0
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

public sealed class AllowListFilterTests
{
    private static readonly BankHit PositivePdq = new("csam-bank", false, "pdq", 1, 20);
    private static readonly BankHit PositiveMd5 = new("csam-bank", false, "md5", 2, 0);
    private static readonly BankHit AllowPdq = new("allow", true, "pdq", 3, 5);
    private static readonly BankHit AllowMd5 = new("allow", true, "md5", 4, 0);

    [Fact]
    public void NoAllowHits_KeepsEveryPositiveHit()
    {
        var (effective, suppressed) = AllowListFilter.Apply([PositivePdq, PositiveMd5]);
        Assert.Equal([PositivePdq, PositiveMd5], effective);
        Assert.Empty(suppressed);
    }

    [Fact]
    public void PerceptualAllowHit_CancelsPerceptualPositivesOnly()
    {
        var (effective, suppressed) = AllowListFilter.Apply([PositivePdq, PositiveMd5, AllowPdq]);
        Assert.Equal([PositiveMd5], effective);
        Assert.Equal([PositivePdq], suppressed);
    }

    [Fact]
    public void ExactAllowHit_CancelsEverything()
    {
        var (effective, suppressed) = AllowListFilter.Apply([AllowMd5, PositivePdq, PositiveMd5]);
        Assert.Empty(effective);
        Assert.Equal([PositivePdq, PositiveMd5], suppressed);
    }

    [Fact]
    public void AllowHitsAlone_GiveNothingToActOn()
    {
        var (effective, suppressed) = AllowListFilter.Apply([AllowPdq]);
        Assert.Empty(effective);
        Assert.Empty(suppressed);
    }
}
