// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;
using Safeguard.ChildSafety.Policy;

namespace Safeguard.ChildSafety;

/// <summary>What one event changed: the behaviour signals of the account it concerns, the conversation assessment
/// (for message-sent) and, when the conversation is at or above the case tier, the review-case candidate.</summary>
public sealed record ChildSafetyEventResult(
    string? SubjectAccountId,
    IReadOnlyList<BehaviourSignal> BehaviourSignals,
    ConversationAssessment? Conversation,
    GroomingCaseCandidate? CaseCandidate);

/// <summary>
/// The child-safety engine behind <c>POST /v1/child-safety/decide</c> (<see cref="Decide"/>) and <c>POST /v1/events</c>
/// (<see cref="Ingest"/>). Thread-safe; one instance per process.
/// </summary>
public sealed class ChildSafetyEngine(
    ChildSafetyPolicy? policy = null,
    BehaviourRiskEngine? behaviour = null,
    ConversationRiskEngine? conversations = null)
{
    public ChildSafetyPolicy Policy { get; } = policy ?? ChildSafetyPolicy.Default;

    public BehaviourRiskEngine Behaviour { get; } = behaviour ?? new BehaviourRiskEngine();

    public ConversationRiskEngine Conversations { get; } = conversations ?? new ConversationRiskEngine();

    public ChildSafetyDecision Decide(ChildSafetyRequest request) => Policy.Decide(request);

    /// <exception cref="ArgumentException">The event is incomplete for its type (for example message-sent without text).</exception>
    public ChildSafetyEventResult Ingest(ChildSafetyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Type == ChildSafetyEventType.MessageSent && (e.Text is null || string.IsNullOrEmpty(e.MessageId)))
        {
            throw new ArgumentException("a message-sent event needs messageId and text", nameof(e));
        }
        if (e.Text is { Length: > MessageDetector.MaxTextLength })
        {
            // Checked before anything is recorded, so a rejected event leaves no trace in the counters.
            throw new ArgumentException($"message text is {e.Text.Length} characters; the limit is {MessageDetector.MaxTextLength}", nameof(e));
        }
        var update = Behaviour.Record(e);
        if (e.Type != ChildSafetyEventType.MessageSent)
        {
            return new ChildSafetyEventResult(update.SubjectAccountId, update.Signals, null, null);
        }
        var message = new ConversationMessage
        {
            Id = e.MessageId!,
            From = e.Actor.Id,
            FromAgeBand = e.Actor.AgeBand,
            To = e.Target!.Id,
            ToAgeBand = e.Target.AgeBand,
            Time = e.Time,
            Text = e.Text!,
            Sexualised = e.Sexualised,
        };
        var senderSignals = update.SubjectAccountId == e.Actor.Id ? update.Signals : [];
        var assessment = Conversations.Add(e.ConversationId, message, senderSignals);
        var candidate = Conversations.CaseCandidate(assessment.ConversationId);
        return new ChildSafetyEventResult(update.SubjectAccountId, update.Signals, assessment, candidate);
    }
}
