// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.ChildSafety.Evaluation;

[JsonConverter(typeof(StrictEnumConverter<EvaluationLabel>))]
public enum EvaluationLabel
{
    [JsonStringEnumMemberName("benign")] Benign = 0,
    [JsonStringEnumMemberName("risky")] Risky = 1,
}

/// <summary>One line of an evaluation file: <c>{"id", "label": "risky|benign", "messages": [...]}</c>.</summary>
public sealed record EvaluationConversation
{
    public required string Id { get; init; }

    public required EvaluationLabel Label { get; init; }

    public required IReadOnlyList<EvaluationMessage> Messages { get; init; }

    /// <summary>
    /// Optional (our extension, for PAN-style author labels): the authors in this conversation who are labelled risky.
    /// When any conversation carries it, author-level figures are reported as well.
    /// </summary>
    public IReadOnlyList<string>? RiskyAuthors { get; init; }
}

/// <summary>
/// A message of an evaluation conversation. <see cref="Categories"/> is an optional per-message label (our extension):
/// when any message in a file carries it, per-category precision and recall are computed over all messages.
/// </summary>
public sealed record EvaluationMessage
{
    public required string Id { get; init; }

    public required string From { get; init; }

    public AgeBand FromAgeBand { get; init; }

    public required string To { get; init; }

    public AgeBand ToAgeBand { get; init; }

    public DateTimeOffset? Time { get; init; }

    public required string Text { get; init; }

    public IReadOnlyList<GroomingCategory>? Categories { get; init; }
}

/// <summary>Outcome of one conversation: its label and the 1-based message at which it was flagged (null: never).</summary>
public sealed record ConversationOutcome(string Id, bool Risky, int? DetectedAtMessage);

public sealed record ConversationMetrics(
    int TruePositives,
    int FalsePositives,
    int FalseNegatives,
    int TrueNegatives,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Precision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Recall,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? F1,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? F05);

/// <summary>
/// Early-detection figures. <c>MessagesToDetection</c> is k, the messages read up to and including the one that
/// raised the alarm. Latency-weighted F1 = F1 × speed (Sadeque, Xu and Bethard 2018); ERDE_o after Losada and Crestani (2016).
/// </summary>
public sealed record EarlyDetectionMetrics(
    int ReferenceDelay,
    double PenaltyP,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MedianMessagesToDetection,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? MeanMessagesToDetection,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Speed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LatencyWeightedF1,
    double Erde5,
    double Erde50);

public sealed record CategoryMetrics(
    string Category,
    int Labelled,
    int Predicted,
    int TruePositives,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Precision,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Recall);

/// <summary>What <c>safeguard grooming eval</c> prints.</summary>
public sealed record EvaluationReport
{
    public required string Detector { get; init; }

    public required string CaseTier { get; init; }

    public required int Conversations { get; init; }

    public required int Risky { get; init; }

    public required int Benign { get; init; }

    public required int Messages { get; init; }

    public required ConversationMetrics ConversationLevel { get; init; }

    /// <summary>
    /// Author-level figures (PAN-2012 problem 1), when conversations carry <c>riskyAuthors</c>: an author is predicted
    /// risky when a flagged conversation's scored hits came mostly from that author.
    /// </summary>
    public ConversationMetrics? AuthorLevel { get; init; }

    public required EarlyDetectionMetrics EarlyDetection { get; init; }

    public IReadOnlyList<CategoryMetrics>? PerCategory { get; init; }

    public string? Note { get; init; }
}
