// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;
using Safeguard.ChildSafety.Behaviour;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>One message of a conversation, as the platform sends it.</summary>
public sealed record ConversationMessage
{
    public required string Id { get; init; }

    public required string From { get; init; }

    public AgeBand FromAgeBand { get; init; }

    public required string To { get; init; }

    public AgeBand ToAgeBand { get; init; }

    public DateTimeOffset Time { get; init; }

    public required string Text { get; init; }

    /// <summary>The separate content classifier's yes/no for sexualised language (grooming spec section 2). Never computed here.</summary>
    public bool Sexualised { get; init; }
}

/// <summary>Review tiers, sized to review capacity (grooming spec section 5).</summary>
[JsonConverter(typeof(StrictEnumConverter<RiskTier>))]
public enum RiskTier
{
    [JsonStringEnumMemberName("none")] None = 0,
    [JsonStringEnumMemberName("watch")] Watch = 1,
    [JsonStringEnumMemberName("review")] Review = 2,
    [JsonStringEnumMemberName("urgent")] Urgent = 3,
}

/// <summary>One term of the score: a feature, its weight, its value and the points it added.</summary>
public sealed record ScoreContribution(string Feature, double Weight, double Value, double Points, string? FirstMessageId, string Explanation);

/// <summary>
/// The state of a conversation after a message: score, tier, what raised it, and this message's hits.
/// <c>MessageScored</c> says whether this message counted (sent by the older party to a minor); hits in other messages
/// are reported but add nothing.
/// </summary>
public sealed record ConversationAssessment(
    string ConversationId,
    double Score,
    RiskTier Tier,
    int MessagesSeen,
    bool Scanned,
    bool MessageScored,
    IReadOnlyList<CategoryHit> NewHits,
    IReadOnlyList<ScoreContribution> Contributions,
    IReadOnlyList<string> Escalators,
    string Explanation);

/// <summary>An account in a case, with its age band and what it did in the conversation (counts only).</summary>
public sealed record CaseParticipant(string Id, AgeBand AgeBand, string Role, int MessagesSent, int ScoredHits);

/// <summary>A message in a case's evidence timeline. <see cref="Text"/> is null once the retention window has passed.</summary>
public sealed record TimelineEntry(
    string MessageId,
    int Index,
    DateTimeOffset Time,
    string From,
    AgeBand FromAgeBand,
    IReadOnlyList<CategoryHit> Hits,
    string? Text);

/// <summary>
/// A conversation above the case tier, packaged for human review. Signals are leads, not findings: the candidate is a
/// request for review, never an automatic penalty. A reviewer-confirmed case may be reported to NCMEC as
/// <see cref="NcmecIncidentType"/> and to the NCA.
/// </summary>
public sealed record GroomingCaseCandidate
{
    public const string NcmecIncidentType = "Online Enticement of Children for Sexual Acts";

    public required string ConversationId { get; init; }

    public required RiskTier Tier { get; init; }

    public required double Score { get; init; }

    public required IReadOnlyList<string> Escalators { get; init; }

    public required IReadOnlyList<CaseParticipant> Participants { get; init; }

    public required DateTimeOffset FirstMessageTime { get; init; }

    public required DateTimeOffset FlaggedAt { get; init; }

    /// <summary>1-based index of the message at which the conversation first reached the case tier.</summary>
    public required int FlaggedAtMessage { get; init; }

    public required IReadOnlyList<TimelineEntry> Timeline { get; init; }

    public required IReadOnlyList<BehaviourSignal> BehaviourSignals { get; init; }

    public required IReadOnlyList<ScoreContribution> Contributions { get; init; }

    public required string Explanation { get; init; }

    /// <summary>Reviewers see the original text blurred until they choose to reveal it.</summary>
    public bool TextBlurredByDefault { get; init; } = true;

    public string Reminder { get; init; } = "signals are leads, not findings";
}

/// <summary>
/// Optional extra detector over whole messages (for example the offline sentence-embedding scorer in
/// <c>Safeguard.ChildSafety.Embeddings</c>). Hits it returns are merged with the phrase hits; a category already hit
/// by a phrase in the same message is not counted twice.
/// </summary>
public interface IMessageCategoryScorer
{
    IReadOnlyList<CategoryHit> Score(string messageId, string text);
}
