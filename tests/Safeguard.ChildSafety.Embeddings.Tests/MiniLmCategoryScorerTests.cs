// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Embeddings;

namespace Safeguard.ChildSafety.Embeddings.Tests;

public sealed class MiniLmCategoryScorerTests : IClassFixture<MiniLmCategoryScorerTests.ScorerFixture>
{
    private readonly MiniLmCategoryScorer _scorer;

    public MiniLmCategoryScorerTests(ScorerFixture fixture) => _scorer = fixture.Scorer;

    [Theory]
    [InlineData("could you snap a quick photo of yourself for me", GroomingCategory.ImageRequest)]
    [InlineData("does anybody look through your phone", GroomingCategory.AdultPresenceCheck)]
    [InlineData("keep quiet about me to your mum and dad", GroomingCategory.SecrecyIsolation)]
    public void Score_ParaphraseTheLexiconMisses_HitsTheCategory(string text, GroomingCategory category)
    {
        Assert.DoesNotContain(new MessageDetector().Detect("m", text), h => h.Category == category);
        var hit = Assert.Single(_scorer.Score("m", text), h => h.Category == category);
        Assert.Equal("embedding", hit.Detector);
        Assert.Equal(MatchView.Semantic, hit.View);
        Assert.Equal((0, text.Length), (hit.Start, hit.Length));
        Assert.InRange(hit.Confidence, 0.62, 1.0);
    }

    [Theory]
    [InlineData("the maths homework is on page twelve")]
    [InlineData("practice is cancelled because of the rain")]
    [InlineData("nice shot, that was a great round")]
    public void Score_OrdinaryMessage_HasNoHits(string text) => Assert.Empty(_scorer.Score("m", text));

    [Fact]
    public void Tracker_WithSemanticScorerEnabled_CountsItsHits()
    {
        var options = new ConversationRiskOptions { SemanticScorer = _scorer };
        var tracker = new ConversationRiskTracker("c1", options);
        var result = tracker.Add(new ConversationMessage
        {
            Id = "m1",
            From = "a",
            FromAgeBand = AgeBand.Adult,
            To = "c",
            ToAgeBand = AgeBand.Age13To15,
            Time = DateTimeOffset.UnixEpoch,
            Text = "could you snap a quick photo of yourself for me",
        });
        Assert.Contains(result.NewHits, h => h.Detector == "embedding" && h.Category == GroomingCategory.ImageRequest);
        Assert.Contains(result.Contributions, c => c.Feature == "image_request");
    }

    public sealed class ScorerFixture : IDisposable
    {
        public MiniLmCategoryScorer Scorer { get; } = new();

        public void Dispose() => Scorer.Dispose();
    }
}
