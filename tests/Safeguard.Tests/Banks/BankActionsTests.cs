// SPDX-License-Identifier: Apache-2.0
using Safeguard.Banks;

namespace Safeguard.Tests.Banks;

public class BankActionsTests
{
    [Theory]
    [InlineData(new BankAction[0], "allow")]
    [InlineData(new[] { BankAction.Report }, "report")]
    [InlineData(new[] { BankAction.Report, BankAction.Review }, "review")]
    [InlineData(new[] { BankAction.Review, BankAction.Hold, BankAction.Report }, "hold")]
    [InlineData(new[] { BankAction.Hold, BankAction.Block, BankAction.Review }, "block")]
    public void Decide_PicksTheStrictestAction(BankAction[] actions, string expected) =>
        Assert.Equal(expected, BankActions.Decide(actions));

    [Fact]
    public void PersistedValues_NeverChange()
    {
        // Stored as text; the numbers order strictness. Both are part of the format (docs/formats.md).
        Assert.Equal(["block", "hold", "review", "report"], new[] { BankAction.Block, BankAction.Hold, BankAction.Review, BankAction.Report }.Select(a => a.ToText()));
        Assert.Equal([4, 3, 2, 1], new[] { BankAction.Block, BankAction.Hold, BankAction.Review, BankAction.Report }.Select(a => (int)a));
        Assert.Equal(["pdq", "md5", "sha1", "sha256"], new[] { HashKind.Pdq, HashKind.Md5, HashKind.Sha1, HashKind.Sha256 }.Select(k => k.ToText()));
    }

    [Theory]
    [InlineData(HashKind.Md5, " 0123456789ABCDEF0123456789abcdef ", true)]
    [InlineData(HashKind.Md5, "0123456789abcdef0123456789abcde", false)]
    [InlineData(HashKind.Sha1, "0123456789abcdef0123456789abcdef0123456g", false)]
    [InlineData(HashKind.Sha256, "", false)]
    public void TryNormalize_AcceptsOnlyHexOfTheRightLength(HashKind kind, string value, bool ok)
    {
        Assert.Equal(ok, HashKinds.TryNormalize(kind, value, out var normalized, out var error));
        if (ok)
        {
            Assert.Equal(value.Trim().ToLowerInvariant(), normalized);
        }
        else
        {
            Assert.DoesNotContain(value.Trim() is { Length: > 0 } v ? v : "\u0000", error!, StringComparison.Ordinal);
        }
    }
}
