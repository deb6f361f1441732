// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Safeguard.Cases;
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Policy;
using Safeguard.Hosting.Diagnostics;

namespace Safeguard.Hosting.ChildSafety;

/// <summary>What one ingested event changed, as the API returns it (the case evidence stays with the case).</summary>
/// <param name="SubjectAccountId">The account whose behaviour state the event updated, if any.</param>
/// <param name="BehaviourSignals">That account's behaviour signals now.</param>
/// <param name="Conversation">For message-sent: the conversation's assessment after this message.</param>
/// <param name="CaseId">The review case the conversation is in, once it reached the case tier.</param>
public sealed record ChildSafetyEventOutcome(
    string? SubjectAccountId,
    IReadOnlyList<BehaviourSignal> BehaviourSignals,
    ConversationAssessment? Conversation,
    long? CaseId);

/// <summary>An event the engine would refuse, with the field at fault.</summary>
public sealed class ChildSafetyEventException(string fieldName, string message) : Exception($"{fieldName}: {message}")
{
    /// <summary>The field at fault (with the event's index for a batch, e.g. <c>[2].text</c>).</summary>
    public string Field => fieldName;

    /// <summary>What is wrong, without quoting the input.</summary>
    public string Problem => message;
}

/// <summary>
/// The server side of child safety: access decisions, and events fed to the engine, whose
/// behaviour and conversation state lives in this process's memory (per node: see
/// docs/server.md). A conversation that reaches the case tier becomes one grooming review case
/// through <see cref="CaseService"/>, holding only the text the engine's privacy window kept.
/// </summary>
public sealed class ChildSafetyService(
    ChildSafetyEngine engine,
    CaseService cases,
    SafeguardMetrics metrics,
    ILogger<ChildSafetyService> logger,
    Safeguard.Hosting.Transparency.ITransparencyRecorder? recorder = null,
    TimeProvider? time = null)
{
    /// <summary>Most events in one request.</summary>
    public const int MaxEventsPerRequest = 1000;

    private readonly ConcurrentDictionary<string, long> _caseByConversation = new(StringComparer.Ordinal);

    /// <summary>The engine (tests and maintenance).</summary>
    public ChildSafetyEngine Engine => engine;

    /// <summary>Decides an action; <see cref="ArgumentException"/> for an incomplete request.</summary>
    public ChildSafetyDecision Decide(ChildSafetyRequest request)
    {
        var decision = engine.Decide(request);
        metrics.ChildSafetyDecisions.WithLabels(WireName(decision.Decision), decision.Rule).Inc();
        return decision;
    }

    /// <summary>
    /// Checks every event first (so a bad one leaves all state untouched), then ingests them in
    /// order and opens a review case for each conversation that reached the case tier.
    /// </summary>
    public async Task<IReadOnlyList<ChildSafetyEventOutcome>> IngestAsync(IReadOnlyList<ChildSafetyEvent> events, bool batch, long keyId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count > MaxEventsPerRequest)
        {
            throw new ChildSafetyEventException("body", $"at most {MaxEventsPerRequest} events per request");
        }
        for (int i = 0; i < events.Count; i++)
        {
            Validate(events[i], batch ? string.Create(CultureInfo.InvariantCulture, $"[{i}].") : "");
        }
        var outcomes = new List<ChildSafetyEventOutcome>(events.Count);
        int candidates = 0;
        foreach (var e in events)
        {
            var result = engine.Ingest(e);
            metrics.ChildSafetyEvents.WithLabels(WireName(e.Type)).Inc();
            long? caseId = null;
            if (result.CaseCandidate is { } candidate)
            {
                candidates++;
                caseId = await OpenCaseOnceAsync(candidate, ct).ConfigureAwait(false);
            }
            outcomes.Add(new ChildSafetyEventOutcome(result.SubjectAccountId, result.BehaviourSignals, result.Conversation, caseId));
        }
        logger.ChildSafetyEventsIngested(keyId, events.Count, candidates);
        return outcomes;
    }

    private async Task<long?> OpenCaseOnceAsync(GroomingCaseCandidate candidate, CancellationToken ct)
    {
        if (_caseByConversation.TryGetValue(candidate.ConversationId, out long existing))
        {
            return existing;
        }
        try
        {
            var opened = await cases.OpenAsync(ToNewCase(candidate), ct).ConfigureAwait(false);
            // Two requests racing on one conversation may both open; the first recorded wins the mapping.
            long id = _caseByConversation.GetOrAdd(candidate.ConversationId, opened.Id);
            if (id == opened.Id)
            {
                metrics.GroomingCases.WithLabels(candidate.Tier.ToString().ToLowerInvariant()).Inc();
                logger.GroomingCaseOpened(opened.Id, candidate.Tier);
                await RecordDetectionAsync(opened, ct).ConfigureAwait(false);
            }
            return id;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.GroomingCaseFailed(e.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// One proactive grooming detection per opened case, for the transparency figures; the item is
    /// the conversation, pseudonymised like every other reference in the records.
    /// </summary>
    private async Task RecordDetectionAsync(ReviewCase opened, CancellationToken ct)
    {
        if (recorder is null)
        {
            return;
        }
        try
        {
            var at = (time ?? TimeProvider.System).GetUtcNow();
            await recorder.RecordAsync(new Safeguard.Transparency.DetectionRecord(
                Safeguard.Hosting.Transparency.TransparencyIds.GroomingDetection(opened.Id), at,
                Safeguard.Hosting.Transparency.TransparencyIds.Item(opened.Evidence.ContentRef, 0),
                Safeguard.Transparency.DetectionType.Grooming, Safeguard.Transparency.DetectionSource.Proactive)
            {
                AccountId = Safeguard.Hosting.Transparency.TransparencyIds.Account(opened.Evidence.UserRef),
                Category = "grooming",
                Detector = "conversation-risk",
            }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (Safeguard.Hosting.Transparency.TransparencyRecorder.IsStoreFailure(e) || e is Safeguard.Transparency.RecordFormatException)
        {
            logger.TransparencyDecisionRecordFailed(opened.Id, e.GetType().Name);
        }
    }

    /// <summary>
    /// The review case for a candidate: kind grooming (child-safety reviewers only), priority from
    /// the tier, the explanation (ids and categories, no text) as the reason, and one text hit per
    /// detector hit with the message text the engine still holds.
    /// </summary>
    public static NewCase ToNewCase(GroomingCaseCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var hits = new List<Safeguard.Cases.TextHit>();
        foreach (var entry in candidate.Timeline)
        {
            foreach (var hit in entry.Hits)
            {
                string rule = $"{WireName(hit.Category)}/{hit.RuleId} (message {entry.MessageId}, {hit.Detector})";
                string term = entry.Text is { } t && hit.Start >= 0 && hit.Start + hit.Length <= t.Length ? t.Substring(hit.Start, hit.Length) : "";
                hits.Add(new Safeguard.Cases.TextHit(rule, term, entry.Text ?? "(text no longer retained)"));
            }
        }
        var older = candidate.Participants.OrderByDescending(p => p.ScoredHits).FirstOrDefault();
        var evidence = new CaseEvidence(null, new Dictionary<string, string>(), [], hits, candidate.ConversationId, older?.Id);
        var priority = candidate.Tier == RiskTier.Urgent ? CasePriority.Urgent : CasePriority.High;
        return new NewCase(CaseKind.Grooming, priority, $"grooming risk, tier {candidate.Tier.ToString().ToLowerInvariant()}: {candidate.Explanation}", evidence);
    }

    private static void Validate(ChildSafetyEvent e, string prefix)
    {
        void Fail(string field, string message) => throw new ChildSafetyEventException(prefix + field, message);
        if (e is null)
        {
            throw new ChildSafetyEventException(prefix.Length == 0 ? "body" : prefix.TrimEnd('.'), "an event object is required");
        }
        if (e.Actor is null || string.IsNullOrWhiteSpace(e.Actor.Id))
        {
            Fail("actor.id", "required");
        }
        if (e.Type is not (ChildSafetyEventType.AccountCreated or ChildSafetyEventType.ProfileChanged) && (e.Target is null || string.IsNullOrWhiteSpace(e.Target.Id)))
        {
            Fail("target.id", $"required for a {WireName(e.Type)} event");
        }
        if (e.TargetUtcOffsetMinutes is < -14 * 60 or > 14 * 60)
        {
            Fail("targetUtcOffsetMinutes", "must be between -840 and 840");
        }
        if (e.Type == ChildSafetyEventType.MessageSent)
        {
            if (string.IsNullOrEmpty(e.MessageId))
            {
                Fail("messageId", "required for a message-sent event");
            }
            if (e.Text is null)
            {
                Fail("text", "required for a message-sent event");
            }
        }
        if (e.Text is { Length: > MessageDetector.MaxTextLength })
        {
            Fail("text", $"at most {MessageDetector.MaxTextLength} characters");
        }
    }

    private static string WireName<T>(T value)
        where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), false)
            .OfType<System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute>().FirstOrDefault()?.Name ?? value.ToString().ToLowerInvariant();
}
