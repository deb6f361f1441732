// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Safeguard.ChildSafety.Behaviour;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// Scores one conversation as its messages arrive. Only messages from an adult or unknown-age account to a minor (or
/// from a much older minor) are scored. Message text is kept only as evidence around hits, only while the retention
/// window allows; everything else is reduced to counters. Not thread-safe: <see cref="ConversationRiskEngine"/> locks.
/// </summary>
public sealed class ConversationRiskTracker
{
    private readonly ConversationRiskOptions _options;
    private readonly MessageDetector _detector;
    private readonly Dictionary<GroomingCategory, CategoryCount> _categories = [];
    private readonly Dictionary<string, ParticipantCount> _participants = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BehaviourSignal> _behaviour = new(StringComparer.Ordinal);
    private readonly Queue<EvidenceMessage> _recent = new();
    private readonly List<EvidenceMessage> _evidence = [];
    private readonly HashSet<string> _escalators = new(StringComparer.Ordinal);
    private int _contextAfterRemaining;
    private bool _sexualised;
    private DateTimeOffset _firstMessageTime;
    private DateTimeOffset _latestTime;

    public ConversationRiskTracker(string conversationId, ConversationRiskOptions? options = null, MessageDetector? detector = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        _options = options ?? ConversationRiskOptions.Defaults;
        _options.Validate();
        _detector = detector ?? new MessageDetector();
        ConversationId = conversationId;
        Current = new ConversationAssessment(conversationId, Sigmoid(_options.Bias), RiskTier.None, 0, false, false, [], [], [], "no messages");
    }

    public string ConversationId { get; }

    public ConversationAssessment Current { get; private set; }

    public int MessageCount { get; private set; }

    /// <summary>True once any message qualified for scanning (a minor with an adult, unknown-age or much older account).</summary>
    public bool Scanned { get; private set; }

    /// <summary>Set when the conversation first reached the case tier.</summary>
    public DateTimeOffset? FlaggedAt { get; private set; }

    public int? FlaggedAtMessage { get; private set; }

    public bool IsFlagged => FlaggedAt.HasValue;

    public DateTimeOffset LatestMessageTime => _latestTime;

    /// <summary>How many message texts this tracker holds right now (for the privacy tests and the audit).</summary>
    public int RetainedTextCount => _recent.Count(e => e.Text is not null) + _evidence.Count(e => e.Text is not null && !_recent.Contains(e));

    /// <summary>Scored hits per category so far (counts only; no text).</summary>
    public IReadOnlyDictionary<GroomingCategory, int> CategoryCounts => _categories.ToDictionary(p => p.Key, p => p.Value.Messages);

    /// <summary>Adds a message and returns the updated assessment.</summary>
    /// <param name="message">The message; its text is scanned and then kept only as the privacy rules allow.</param>
    /// <param name="senderSignals">Current behaviour signals of the sender, from <see cref="BehaviourRiskEngine"/>.</param>
    /// <exception cref="ArgumentException">The message lacks an id, sender, recipient or text, or the text is too long.</exception>
    public ConversationAssessment Add(ConversationMessage message, IReadOnlyList<BehaviourSignal>? senderSignals = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(message.Id, "message.id");
        ArgumentException.ThrowIfNullOrEmpty(message.From, "message.from");
        ArgumentException.ThrowIfNullOrEmpty(message.To, "message.to");
        ArgumentNullException.ThrowIfNull(message.Text, "message.text");

        var hits = Detect(message);
        MessageCount++;
        if (MessageCount == 1)
        {
            _firstMessageTime = message.Time;
        }
        if (message.Time > _latestTime)
        {
            _latestTime = message.Time;
        }
        Participant(message.From, message.FromAgeBand).MessagesSent++;
        Participant(message.To, message.ToAgeBand);

        var scored = IsScored(message.FromAgeBand, message.ToAgeBand);
        Scanned |= scored || IsScanPair(message.FromAgeBand, message.ToAgeBand);
        var scoredHits = scored ? hits : [];
        if (scored)
        {
            foreach (var category in scoredHits.Select(h => h.Category).Distinct())
            {
                if (!_categories.TryGetValue(category, out var count))
                {
                    count = new CategoryCount(message.Id);
                    _categories[category] = count;
                }
                count.Messages++;
            }
            _participants[message.From].ScoredHits += scoredHits.Count;
            _sexualised |= message.Sexualised;
            foreach (var signal in senderSignals ?? [])
            {
                _behaviour[signal.Code] = signal;
            }
        }

        Remember(message, scoredHits);
        Current = Assess(hits, scored);
        if (!FlaggedAt.HasValue && Current.Tier >= _options.CaseTier)
        {
            FlaggedAt = message.Time;
            FlaggedAtMessage = MessageCount;
        }
        Purge(_latestTime);
        return Current;
    }

    /// <summary>
    /// Applies the privacy windows at <paramref name="now"/>: text of a conversation that is not flagged is dropped once
    /// older than <see cref="ConversationRiskOptions.UnflaggedTextWindow"/>; evidence text of a flagged conversation is
    /// dropped <see cref="ConversationRiskOptions.FlaggedTextRetention"/> after flagging. Counters and hit metadata stay.
    /// </summary>
    public void Purge(DateTimeOffset now)
    {
        foreach (var entry in _recent.Concat(_evidence))
        {
            if (entry.Text is null)
            {
                continue;
            }
            var expired = FlaggedAt is { } flagged
                ? now - flagged > _options.FlaggedTextRetention
                : now - entry.Time > _options.UnflaggedTextWindow;
            if (expired)
            {
                entry.Text = null;
            }
        }
        // Context without text tells a reviewer nothing; hit entries keep their metadata.
        _evidence.RemoveAll(e => e.Text is null && e.Hits.Count == 0);
    }

    /// <summary>The case candidate, or null while the conversation is below the case tier.</summary>
    public GroomingCaseCandidate? BuildCaseCandidate()
    {
        if (FlaggedAt is not { } flaggedAt)
        {
            return null;
        }
        var participants = _participants
            .Select(p => new CaseParticipant(p.Key, p.Value.Band, p.Value.Band.IsMinor() ? "minor" : "older-party", p.Value.MessagesSent, p.Value.ScoredHits))
            .ToList();
        if (participants.Count == 2 && participants.All(p => p.Role == "minor"))
        {
            var older = participants.MaxBy(p => (int)p.AgeBand)!;
            participants[participants.IndexOf(older)] = older with { Role = "older-party" };
        }
        return new GroomingCaseCandidate
        {
            ConversationId = ConversationId,
            Tier = Current.Tier,
            Score = Current.Score,
            Escalators = Current.Escalators,
            Participants = participants,
            FirstMessageTime = _firstMessageTime,
            FlaggedAt = flaggedAt,
            FlaggedAtMessage = FlaggedAtMessage!.Value,
            Timeline = [.. _evidence.OrderBy(e => e.Index).Select(e => new TimelineEntry(e.Id, e.Index, e.Time, e.From, e.FromBand, e.Hits, e.Text))],
            BehaviourSignals = [.. _behaviour.Values],
            Contributions = Current.Contributions,
            Explanation = Current.Explanation,
        };
    }

    private IReadOnlyList<CategoryHit> Detect(ConversationMessage message)
    {
        var hits = _detector.Detect(message.Id, message.Text).ToList();
        if (_options.SemanticScorer is { } scorer)
        {
            var phraseCategories = hits.Select(h => h.Category).ToHashSet();
            hits.AddRange(scorer.Score(message.Id, message.Text).Where(h => !phraseCategories.Contains(h.Category)));
        }
        return hits;
    }

    private bool IsScanPair(AgeBand a, AgeBand b) => IsScored(a, b) || IsScored(b, a);

    /// <summary>A message is scored when its sender is an adult or of unknown age writing to a minor, or a much older minor.</summary>
    private bool IsScored(AgeBand from, AgeBand to)
    {
        if (!to.IsMinor())
        {
            return false;
        }
        if (!from.IsMinor())
        {
            return true;
        }
        return (int)from - (int)to >= _options.MinorPeerBandGap;
    }

    private ParticipantCount Participant(string id, AgeBand band)
    {
        if (!_participants.TryGetValue(id, out var participant))
        {
            participant = new ParticipantCount();
            _participants[id] = participant;
        }
        if (band != AgeBand.Unknown)
        {
            participant.Band = band;
        }
        return participant;
    }

    private void Remember(ConversationMessage message, IReadOnlyList<CategoryHit> scoredHits)
    {
        var entry = new EvidenceMessage(message.Id, MessageCount, message.Time, message.From, message.FromAgeBand, scoredHits, message.Text);
        if (scoredHits.Count > 0)
        {
            foreach (var before in _recent)
            {
                if (!_evidence.Contains(before))
                {
                    _evidence.Add(before);
                }
            }
            _evidence.Add(entry);
            _contextAfterRemaining = _options.ContextAfter;
        }
        else if (_contextAfterRemaining > 0)
        {
            _evidence.Add(entry);
            _contextAfterRemaining--;
        }
        _recent.Enqueue(entry);
        while (_recent.Count > _options.ContextBefore)
        {
            var dropped = _recent.Dequeue();
            if (!_evidence.Contains(dropped))
            {
                dropped.Text = null;
            }
        }
        if (_evidence.Count > _options.MaxTimelineEntries)
        {
            // Keep the earliest evidence (how it started) and drop the oldest context first, then the oldest later hits.
            var victim = _evidence.FindIndex(e => e.Hits.Count == 0);
            _evidence.RemoveAt(victim >= 0 ? victim : _evidence.Count / 2);
        }
    }

    private ConversationAssessment Assess(IReadOnlyList<CategoryHit> newHits, bool scored)
    {
        var contributions = new List<ScoreContribution>();
        var z = _options.Bias;
        foreach (var (category, count) in _categories.OrderBy(p => p.Key))
        {
            var weight = _options.Weights.TryGetValue(category, out var w) ? w : 0;
            // Repeats add less each time (1, 1.5, 1.75, … → 2): persistence matters, but one phrase spammed is not five strategies.
            var value = 2 * (1 - Math.Pow(0.5, count.Messages));
            var points = weight * value;
            z += points;
            contributions.Add(new ScoreContribution(category.Code(), weight, value, points, count.FirstMessageId,
                $"{category.Code()} in {count.Messages} message(s), first {count.FirstMessageId}"));
        }
        if (_categories.Count > 1)
        {
            var points = _options.DiversityWeight * (_categories.Count - 1);
            z += points;
            contributions.Add(new ScoreContribution("distinct_categories", _options.DiversityWeight, _categories.Count - 1, points, null,
                $"{_categories.Count} distinct categories"));
        }
        foreach (var signal in _behaviour.Values.OrderBy(s => s.Code, StringComparer.Ordinal).Take(_options.MaxBehaviourSignals))
        {
            z += _options.BehaviourSignalWeight;
            contributions.Add(new ScoreContribution("behaviour:" + signal.Code, _options.BehaviourSignalWeight, 1, _options.BehaviourSignalWeight, null, signal.Explanation));
        }
        if (_sexualised)
        {
            z += _options.SexualisedWeight;
            contributions.Add(new ScoreContribution("sexualisation", _options.SexualisedWeight, 1, _options.SexualisedWeight, null, "the separate content classifier flagged a message"));
        }
        var score = Sigmoid(z);
        UpdateEscalators();
        var escalators = _escalators.Order(StringComparer.Ordinal).ToList();
        var tier = escalators.Count > 0 || score >= _options.UrgentThreshold ? RiskTier.Urgent
            : score >= _options.ReviewThreshold ? RiskTier.Review
            : score >= _options.WatchThreshold ? RiskTier.Watch
            : RiskTier.None;
        return new ConversationAssessment(ConversationId, score, tier, MessageCount, Scanned, scored, newHits, contributions, escalators,
            Explain(score, tier, contributions, escalators));
    }

    private void UpdateEscalators()
    {
        bool Has(GroomingCategory c) => _categories.ContainsKey(c);
        if (Has(GroomingCategory.ImageRequest) && (Has(GroomingCategory.SecrecyIsolation) || Has(GroomingCategory.PlatformMove)))
        {
            _escalators.Add("E1 image_request with secrecy_isolation or platform_move");
        }
        if (Has(GroomingCategory.MeetingLocation)
            && (Has(GroomingCategory.SecrecyIsolation) || Has(GroomingCategory.AdultPresenceCheck) || Has(GroomingCategory.ImageRequest)))
        {
            _escalators.Add("E2 meeting_location with secrecy_isolation, adult_presence_check or image_request");
        }
        if (Has(GroomingCategory.Coercion))
        {
            _escalators.Add("E3 coercion");
        }
        if (_sexualised)
        {
            _escalators.Add("E4 sexualisation flag from the content classifier");
        }
    }

    private static string Explain(double score, RiskTier tier, List<ScoreContribution> contributions, List<string> escalators)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"score {score:0.000} ({TierName(tier)})");
        if (contributions.Count == 0)
        {
            builder.Append(": nothing raised it");
        }
        else
        {
            builder.Append(": ");
            builder.AppendJoin("; ", contributions.OrderByDescending(c => c.Points)
                .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Explanation} (+{c.Points:0.00})")));
        }
        if (escalators.Count > 0)
        {
            builder.Append("; escalators: ").AppendJoin(", ", escalators);
        }
        return builder.ToString();
    }

    internal static string TierName(RiskTier tier) => tier switch
    {
        RiskTier.Watch => "watch",
        RiskTier.Review => "review",
        RiskTier.Urgent => "urgent",
        _ => "none",
    };

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    private sealed class CategoryCount(string firstMessageId)
    {
        public string FirstMessageId { get; } = firstMessageId;

        public int Messages { get; set; }
    }

    private sealed class ParticipantCount
    {
        public AgeBand Band { get; set; }

        public int MessagesSent { get; set; }

        public int ScoredHits { get; set; }
    }

    private sealed class EvidenceMessage(string id, int index, DateTimeOffset time, string from, AgeBand fromBand, IReadOnlyList<CategoryHit> hits, string? text)
    {
        public string Id { get; } = id;

        public int Index { get; } = index;

        public DateTimeOffset Time { get; } = time;

        public string From { get; } = from;

        public AgeBand FromBand { get; } = fromBand;

        public IReadOnlyList<CategoryHit> Hits { get; } = hits;

        public string? Text { get; set; } = text;
    }
}
