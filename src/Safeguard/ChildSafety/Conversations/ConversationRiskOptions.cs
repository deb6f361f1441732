// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// The transparent version-1 score of grooming spec section 5: risk = σ(b + Σ wᵢ·fᵢ), with tiers and privacy windows.
/// Weights are owned by the safety team; the defaults are documented in docs/child-safety.md.
/// </summary>
public sealed record ConversationRiskOptions
{
    public static IReadOnlyDictionary<GroomingCategory, double> DefaultWeights { get; } = new Dictionary<GroomingCategory, double>
    {
        [GroomingCategory.AgeProbe] = 1.0,
        [GroomingCategory.TrustFlattery] = 1.0,
        [GroomingCategory.GiftOffer] = 1.2,
        [GroomingCategory.SecrecyIsolation] = 2.0,
        [GroomingCategory.PlatformMove] = 1.5,
        [GroomingCategory.ImageRequest] = 2.0,
        [GroomingCategory.MeetingLocation] = 1.8,
        [GroomingCategory.AdultPresenceCheck] = 2.0,
        [GroomingCategory.ComplianceTest] = 1.2,
        [GroomingCategory.Coercion] = 3.0,
    };

    public double Bias { get; init; } = -4.0;

    public IReadOnlyDictionary<GroomingCategory, double> Weights { get; init; } = DefaultWeights;

    /// <summary>Added for each distinct category beyond the first: strategies combine (grooming spec section 1).</summary>
    public double DiversityWeight { get; init; } = 0.6;

    /// <summary>Added for each distinct behaviour signal of the older party (at most <see cref="MaxBehaviourSignals"/>).</summary>
    public double BehaviourSignalWeight { get; init; } = 0.8;

    public int MaxBehaviourSignals { get; init; } = 3;

    public double SexualisedWeight { get; init; } = 4.0;

    public double WatchThreshold { get; init; } = 0.3;

    public double ReviewThreshold { get; init; } = 0.6;

    public double UrgentThreshold { get; init; } = 0.9;

    /// <summary>Conversations at or above this tier become review cases.</summary>
    public RiskTier CaseTier { get; init; } = RiskTier.Review;

    /// <summary>Two minors are scanned when their bands are at least this far apart (16-17 with under13 by default).</summary>
    public int MinorPeerBandGap { get; init; } = 2;

    public int ContextBefore { get; init; } = 2;

    public int ContextAfter { get; init; } = 2;

    /// <summary>How long message text of a conversation that is not flagged may be kept for context.</summary>
    public TimeSpan UnflaggedTextWindow { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long evidence text of a flagged conversation is kept after flagging (the case vault keeps its own copy).</summary>
    public TimeSpan FlaggedTextRetention { get; init; } = TimeSpan.FromDays(30);

    public int MaxTimelineEntries { get; init; } = 500;

    public IMessageCategoryScorer? SemanticScorer { get; init; }

    public static ConversationRiskOptions Defaults { get; } = new();

    internal void Validate()
    {
        if (!(WatchThreshold > 0 && WatchThreshold <= ReviewThreshold && ReviewThreshold <= UrgentThreshold && UrgentThreshold < 1))
        {
            throw new ArgumentException("tier thresholds must satisfy 0 < watch ≤ review ≤ urgent < 1");
        }
        if (!Enum.IsDefined(CaseTier) || CaseTier == RiskTier.None)
        {
            throw new ArgumentException("caseTier must be watch, review or urgent");
        }
        if (ContextBefore is < 0 or > 20 || ContextAfter is < 0 or > 20)
        {
            throw new ArgumentException("contextBefore and contextAfter must be between 0 and 20 messages");
        }
        if (UnflaggedTextWindow < TimeSpan.Zero || FlaggedTextRetention < TimeSpan.Zero)
        {
            throw new ArgumentException("text windows must not be negative");
        }
        if (MaxTimelineEntries < 1 || MaxBehaviourSignals < 0 || MinorPeerBandGap < 1)
        {
            throw new ArgumentException("maxTimelineEntries and minorPeerBandGap must be positive, maxBehaviourSignals not negative");
        }
        foreach (var (category, weight) in Weights)
        {
            if (!double.IsFinite(weight) || weight < 0)
            {
                throw new ArgumentException($"weight for {category.Code()} must be a finite number ≥ 0");
            }
        }
        if (!double.IsFinite(Bias))
        {
            throw new ArgumentException("bias must be finite");
        }
    }
}
