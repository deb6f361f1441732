// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.ChildSafety.Evaluation;

/// <summary>
/// Replays labelled conversations through a fresh <see cref="ConversationRiskTracker"/> each, one message at a time,
/// and reports conversation-level, early-detection and (when messages carry labels) per-category figures.
/// </summary>
public sealed class GroomingEvaluator(ConversationRiskOptions? options = null, MessageDetector? detector = null)
{
    public const int DefaultReferenceDelay = 10;
    private readonly ConversationRiskOptions _options = options ?? ConversationRiskOptions.Defaults;
    private readonly MessageDetector _detector = detector ?? new MessageDetector();

    public EvaluationReport Evaluate(IReadOnlyList<EvaluationConversation> conversations, int referenceDelay = DefaultReferenceDelay)
    {
        ArgumentNullException.ThrowIfNull(conversations);
        var outcomes = new List<ConversationOutcome>(conversations.Count);
        var labelled = conversations.Any(c => c.Messages.Any(m => m.Categories is not null));
        var counts = GroomingCategories.All.ToDictionary(c => c, _ => new int[3]); // labelled, predicted, true positives
        var messages = 0;
        var authorLabels = conversations.Any(c => c.RiskyAuthors is not null);
        var authors = new HashSet<string>(StringComparer.Ordinal);
        var riskyAuthors = new HashSet<string>(StringComparer.Ordinal);
        var predictedAuthors = new HashSet<string>(StringComparer.Ordinal);
        foreach (var conversation in conversations)
        {
            var tracker = new ConversationRiskTracker(conversation.Id, _options, _detector);
            var previous = DateTimeOffset.UnixEpoch;
            foreach (var m in conversation.Messages)
            {
                // Missing times are filled one minute apart so the privacy windows behave as in a live conversation.
                var time = m.Time ?? previous.AddMinutes(1);
                previous = time;
                var assessment = tracker.Add(new ConversationMessage
                {
                    Id = m.Id,
                    From = m.From,
                    FromAgeBand = m.FromAgeBand,
                    To = m.To,
                    ToAgeBand = m.ToAgeBand,
                    Time = time,
                    Text = m.Text,
                });
                messages++;
                var predicted = assessment.MessageScored ? assessment.NewHits.Select(h => h.Category).ToHashSet() : [];
                var truth = m.Categories?.ToHashSet() ?? [];
                foreach (var (category, c) in counts)
                {
                    var isTrue = truth.Contains(category);
                    var isPredicted = predicted.Contains(category);
                    c[0] += isTrue ? 1 : 0;
                    c[1] += isPredicted ? 1 : 0;
                    c[2] += isTrue && isPredicted ? 1 : 0;
                }
            }
            outcomes.Add(new ConversationOutcome(conversation.Id, conversation.Label == EvaluationLabel.Risky, tracker.FlaggedAtMessage));
            if (authorLabels)
            {
                authors.UnionWith(conversation.Messages.Select(m => m.From));
                riskyAuthors.UnionWith(conversation.RiskyAuthors ?? []);
                if (tracker.BuildCaseCandidate() is { } candidate && candidate.Participants.MaxBy(p => p.ScoredHits) is { ScoredHits: > 0 } driver)
                {
                    predictedAuthors.Add(driver.Id);
                }
            }
        }
        return new EvaluationReport
        {
            Detector = $"phrase lexicon {_detector.Lexicon.Language} v{_detector.Lexicon.Version}"
                + (_options.SemanticScorer is null ? "" : " + semantic scorer"),
            CaseTier = ConversationRiskTracker.TierName(_options.CaseTier),
            Conversations = conversations.Count,
            Risky = outcomes.Count(o => o.Risky),
            Benign = outcomes.Count(o => !o.Risky),
            Messages = messages,
            ConversationLevel = EvaluationMetrics.Conversation(outcomes),
            AuthorLevel = authorLabels
                ? EvaluationMetrics.Conversation([.. authors.Select(a => new ConversationOutcome(a, riskyAuthors.Contains(a), predictedAuthors.Contains(a) ? 1 : null))])
                : null,
            EarlyDetection = EvaluationMetrics.EarlyDetection(outcomes, referenceDelay),
            PerCategory = labelled
                ? [.. counts.Select(p => new CategoryMetrics(p.Key.Code(), p.Value[0], p.Value[1], p.Value[2],
                    EvaluationMetrics.Ratio(p.Value[2], p.Value[1]), EvaluationMetrics.Ratio(p.Value[2], p.Value[0])))]
                : null,
            Note = labelled ? null : "no message carries a \"categories\" label, so per-category figures are not computed",
        };
    }
}
