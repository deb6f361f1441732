// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.Tests.ChildSafety;

public class ConversationRiskTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 16, 0, 0, TimeSpan.Zero);
    private int _next;

    [Fact]
    public void Score_AccumulatesAsCategoriesAppear_AndExplainsWhatRaisedIt()
    {
        var tracker = new ConversationRiskTracker("c1");
        var first = tracker.Add(FromAdult("how old are you?"));
        // Bias −4 plus age_probe 1.0 → σ(−3): a single age question is harmless on its own.
        Assert.Equal(1 / (1 + Math.Exp(3)), first.Score, 9);
        Assert.Equal(RiskTier.None, first.Tier);

        var second = tracker.Add(FromAdult("you're really mature for your age"));
        // −4 + 1.0 + 1.0 + 0.6 (two distinct categories) = −1.4.
        Assert.Equal(1 / (1 + Math.Exp(1.4)), second.Score, 9);

        var third = tracker.Add(FromAdult("don't tell your parents we talk"));
        // −4 + 1 + 1 + 2 + 0.6·2 = 1.2 → σ(1.2) ≈ 0.769: review tier.
        Assert.Equal(1 / (1 + Math.Exp(-1.2)), third.Score, 9);
        Assert.Equal(RiskTier.Review, third.Tier);
        Assert.Contains("secrecy_isolation in 1 message(s)", third.Explanation, StringComparison.Ordinal);
        Assert.Contains(third.Contributions, c => c.Feature == "distinct_categories" && c.Points == 1.2);
        Assert.True(tracker.IsFlagged);
        Assert.Equal(3, tracker.FlaggedAtMessage);
    }

    [Fact]
    public void Score_RepeatsOfOneCategory_AddLessEachTime()
    {
        var tracker = new ConversationRiskTracker("c1");
        tracker.Add(FromAdult("how old are you"));
        tracker.Add(FromAdult("what school do you go to"));
        var third = tracker.Add(FromAdult("when is your birthday"));
        // age_probe in three messages: 2·(1 − 0.5³) = 1.75 points; σ(−4 + 1.75).
        Assert.Equal(1 / (1 + Math.Exp(2.25)), third.Score, 9);
        Assert.Equal(RiskTier.None, third.Tier);
    }

    [Fact]
    public void Escalator_ImageRequestWithSecrecy_IsUrgentWhateverTheScore()
    {
        var tracker = new ConversationRiskTracker("c1", new ConversationRiskOptions { Bias = -20 });
        tracker.Add(FromAdult("send me a picture of yourself"));
        var result = tracker.Add(FromAdult("and keep it between us"));
        Assert.Equal(RiskTier.Urgent, result.Tier);
        Assert.Contains(result.Escalators, e => e.StartsWith("E1", StringComparison.Ordinal));
    }

    [Fact]
    public void Escalator_Coercion_IsUrgent()
    {
        var tracker = new ConversationRiskTracker("c1");
        Assert.Equal(RiskTier.Urgent, tracker.Add(FromAdult("if you stop talking to me I'll share our chats")).Tier);
    }

    [Fact]
    public void ChildsOwnWords_AreReportedButNotScored()
    {
        var tracker = new ConversationRiskTracker("c1");
        var result = tracker.Add(FromChild("don't tell your parents, lol"));
        Assert.NotEmpty(result.NewHits);
        Assert.False(result.MessageScored);
        Assert.True(result.Scanned);
        Assert.Empty(result.Contributions);
    }

    [Fact]
    public void AdultToAdult_IsNotScanned()
    {
        var tracker = new ConversationRiskTracker("c1");
        var result = tracker.Add(Message("a", AgeBand.Adult, "b", AgeBand.Adult, "don't tell your parents"));
        Assert.False(result.Scanned);
        Assert.Empty(result.Contributions);
    }

    [Fact]
    public void MuchOlderMinor_IsScored_ButClassmatesAreNot()
    {
        var older = new ConversationRiskTracker("c1").Add(Message("a", AgeBand.Age16To17, "b", AgeBand.Under13, "don't tell your parents"));
        var peers = new ConversationRiskTracker("c2").Add(Message("a", AgeBand.Age13To15, "b", AgeBand.Age13To15, "don't tell your parents"));
        Assert.True(older.MessageScored);
        Assert.False(peers.MessageScored);
    }

    [Fact]
    public void UnknownAgeSender_IsScoredAsAnAdult() =>
        Assert.True(new ConversationRiskTracker("c1").Add(Message("a", AgeBand.Unknown, "b", AgeBand.Age13To15, "how old are you")).MessageScored);

    [Fact]
    public void BehaviourSignals_AddToTheScore()
    {
        var signal = new BehaviourSignal("fan_out_unconnected_minors", "adult", 12, 10, "7d", "contacted about 12 distinct minors");
        var with = new ConversationRiskTracker("c1").Add(FromAdult("how old are you"), [signal]);
        Assert.Equal(1 / (1 + Math.Exp(3 - 0.8)), with.Score, 9);
        Assert.Contains(with.Contributions, c => c.Feature == "behaviour:fan_out_unconnected_minors");
    }

    [Fact]
    public void CaseCandidate_HasTimelineAroundHits_AgeBands_AndReminder()
    {
        var tracker = new ConversationRiskTracker("c1");
        Assert.Null(tracker.BuildCaseCandidate());
        tracker.Add(FromChild("hi"));
        tracker.Add(FromAdult("nice game earlier"));
        tracker.Add(FromChild("thanks"));
        tracker.Add(FromAdult("how old are you?"));             // hit: context before = "nice game", "thanks"
        tracker.Add(FromChild("14"));                           // context after
        tracker.Add(FromAdult("you're so mature"));             // hit
        tracker.Add(FromAdult("don't tell your mum we chat"));  // hit → review
        var candidate = tracker.BuildCaseCandidate()!;
        Assert.NotNull(candidate);
        Assert.Equal(RiskTier.Review, candidate.Tier);
        Assert.Equal([2, 3, 4, 5, 6, 7], candidate.Timeline.Select(t => t.Index));
        Assert.Equal("nice game earlier", candidate.Timeline[0].Text);
        Assert.Contains(candidate.Participants, p => p.Id == "adult" && p.AgeBand == AgeBand.Adult && p.Role == "older-party");
        Assert.Contains(candidate.Participants, p => p.Id == "child" && p.AgeBand == AgeBand.Age13To15 && p.Role == "minor");
        Assert.Equal("signals are leads, not findings", candidate.Reminder);
        Assert.True(candidate.TextBlurredByDefault);
        Assert.Equal(7, candidate.FlaggedAtMessage);
    }

    [Fact]
    public void Privacy_UnflaggedConversation_KeepsOnlyCountersAfterTheWindow()
    {
        var tracker = new ConversationRiskTracker("c1", new ConversationRiskOptions { UnflaggedTextWindow = TimeSpan.FromHours(1) });
        for (var i = 0; i < 50; i++)
        {
            tracker.Add(i % 2 == 0 ? FromAdult($"homework page {i}") : FromChild("ok"));
        }
        tracker.Add(FromAdult("how old are you"));
        // Only the context ring (2 before) and the hit itself hold text; the other 48 messages are counters only.
        Assert.Equal(3, tracker.RetainedTextCount);
        Assert.Equal(51, tracker.MessageCount);
        tracker.Purge(Start.AddMinutes(_next).AddHours(2));
        Assert.Equal(0, tracker.RetainedTextCount);
        Assert.Equal(51, tracker.MessageCount);
        Assert.Equal(1, tracker.CategoryCounts[GroomingCategory.AgeProbe]);
    }

    [Fact]
    public void Privacy_FlaggedConversation_KeepsEvidenceUntilRetentionEnds()
    {
        var options = new ConversationRiskOptions { UnflaggedTextWindow = TimeSpan.FromHours(1), FlaggedTextRetention = TimeSpan.FromDays(3) };
        var tracker = new ConversationRiskTracker("c1", options);
        tracker.Add(FromAdult("send me a picture of yourself"));
        tracker.Add(FromAdult("don't tell your parents"));
        Assert.True(tracker.IsFlagged);
        var flaggedAt = tracker.FlaggedAt!.Value;
        tracker.Purge(flaggedAt.AddDays(2));
        Assert.Equal(2, tracker.RetainedTextCount);
        tracker.Purge(flaggedAt.AddDays(4));
        Assert.Equal(0, tracker.RetainedTextCount);
        var candidate = tracker.BuildCaseCandidate()!;
        Assert.All(candidate.Timeline, t => Assert.Null(t.Text));
        Assert.Equal(2, candidate.Timeline.Count);
    }

    [Fact]
    public void Engine_Purge_ForgetsIdleUnflaggedConversations()
    {
        var engine = new ConversationRiskEngine();
        engine.Add(null, FromAdult("see you at practice"));
        Assert.Equal(1, engine.ConversationCount);
        engine.Purge(Start.AddDays(3));
        Assert.Equal(0, engine.ConversationCount);
        Assert.Equal(0, engine.RetainedTextCount);
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new ConversationRiskTracker("c", new ConversationRiskOptions { ReviewThreshold = 0.95 }));
        Assert.Throws<ArgumentException>(() => new ConversationRiskTracker("c", new ConversationRiskOptions { CaseTier = RiskTier.None }));
    }

    private ConversationMessage FromAdult(string text) => Message("adult", AgeBand.Adult, "child", AgeBand.Age13To15, text);

    private ConversationMessage FromChild(string text) => Message("child", AgeBand.Age13To15, "adult", AgeBand.Adult, text);

    private ConversationMessage Message(string from, AgeBand fromBand, string to, AgeBand toBand, string text)
    {
        _next++;
        return new ConversationMessage
        {
            Id = $"m{_next}",
            From = from,
            FromAgeBand = fromBand,
            To = to,
            ToAgeBand = toBand,
            Time = Start.AddMinutes(_next),
            Text = text,
        };
    }
}
