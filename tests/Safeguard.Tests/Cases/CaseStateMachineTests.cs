// SPDX-License-Identifier: Apache-2.0
using Safeguard.Cases;

namespace Safeguard.Tests.Cases;

public sealed class CaseStateMachineTests
{
    [Theory]
    [InlineData(CaseStatus.Open, CaseAction.Claim, false, CaseStatus.InReview)]
    [InlineData(CaseStatus.Escalated, CaseAction.Claim, true, CaseStatus.InReview)]
    [InlineData(CaseStatus.InReview, CaseAction.Confirm, false, CaseStatus.Confirmed)]
    [InlineData(CaseStatus.InReview, CaseAction.Clear, false, CaseStatus.Cleared)]
    [InlineData(CaseStatus.InReview, CaseAction.Escalate, false, CaseStatus.Escalated)]
    [InlineData(CaseStatus.InReview, CaseAction.Confirm, true, CaseStatus.Confirmed)]
    [InlineData(CaseStatus.InReview, CaseAction.Release, false, CaseStatus.Open)]
    [InlineData(CaseStatus.InReview, CaseAction.Release, true, CaseStatus.Escalated)]
    [InlineData(CaseStatus.InReview, CaseAction.Expire, false, CaseStatus.Open)]
    [InlineData(CaseStatus.InReview, CaseAction.Expire, true, CaseStatus.Escalated)]
    [InlineData(CaseStatus.InReview, CaseAction.Reveal, false, CaseStatus.InReview)]
    public void Next_LegalMove_GivesExpectedStatus(CaseStatus from, CaseAction action, bool escalated, CaseStatus expected) =>
        Assert.Equal(expected, CaseStateMachine.Next(from, action, escalated));

    [Theory]
    [InlineData(CaseStatus.Open, CaseAction.Confirm, "claim the case before deciding it; it is open")]
    [InlineData(CaseStatus.Escalated, CaseAction.Clear, "claim the case before deciding it; it is escalated")]
    [InlineData(CaseStatus.Confirmed, CaseAction.Claim, "the case is already confirmed; a decided case cannot be changed")]
    [InlineData(CaseStatus.Cleared, CaseAction.Confirm, "the case is already cleared; a decided case cannot be changed")]
    [InlineData(CaseStatus.Open, CaseAction.Release, "only a case in review can be released; this one is open")]
    [InlineData(CaseStatus.Open, CaseAction.Reveal, "claim the case before revealing its image; it is open")]
    [InlineData(CaseStatus.Open, CaseAction.Open, "a case is opened only once")]
    public void Next_IllegalMove_ThrowsWithReason(CaseStatus from, CaseAction action, string reason)
    {
        var e = Assert.Throws<CaseTransitionException>(() => CaseStateMachine.Next(from, action, false));
        Assert.Equal($"cannot {CaseText.Name(action)}: {reason}", e.Message);
        Assert.Equal(from, e.From);
        Assert.Equal(action, e.Action);
    }

    [Fact]
    public void Next_EscalatingTwice_IsRefused()
    {
        var e = Assert.Throws<CaseTransitionException>(() => CaseStateMachine.Next(CaseStatus.InReview, CaseAction.Escalate, escalated: true));
        Assert.Contains("already been escalated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_EveryActionOnClosedCase_IsRefused()
    {
        foreach (var closed in new[] { CaseStatus.Confirmed, CaseStatus.Cleared })
        {
            foreach (var action in Enum.GetValues<CaseAction>())
            {
                Assert.False(CaseStateMachine.TryNext(closed, action, false, out _, out var error));
                Assert.NotEmpty(error);
            }
        }
    }

    [Fact]
    public void CaseText_RoundTripsEveryName()
    {
        foreach (var s in Enum.GetValues<CaseStatus>())
        {
            Assert.True(CaseText.TryParseStatus(CaseText.Name(s), out var back));
            Assert.Equal(s, back);
        }
        foreach (var a in Enum.GetValues<CaseAction>())
        {
            Assert.True(CaseText.TryParseAction(CaseText.Name(a), out var back));
            Assert.Equal(a, back);
        }
        Assert.False(CaseText.TryParseStatus("InReview", out _));
    }

    [Fact]
    public void CaseText_StoredNames_AreStable()
    {
        // Stored in the database and sent in webhooks: renaming one breaks stored rows.
        Assert.Equal(["open", "in-review", "confirmed", "cleared", "escalated"], Enum.GetValues<CaseStatus>().Select(CaseText.Name));
        Assert.Equal(["image", "text", "grooming"], Enum.GetValues<CaseKind>().Select(CaseText.Name));
        Assert.Equal(["open", "claim", "release", "expire", "confirm", "clear", "escalate", "reveal"], Enum.GetValues<CaseAction>().Select(CaseText.Name));
    }
}
