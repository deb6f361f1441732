// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Safeguard.ChildSafety.Behaviour;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>Holds one <see cref="ConversationRiskTracker"/> per conversation. Thread-safe.</summary>
public sealed class ConversationRiskEngine
{
    private readonly ConversationRiskOptions _options;
    private readonly MessageDetector _detector;
    private readonly ConcurrentDictionary<string, ConversationRiskTracker> _conversations = new(StringComparer.Ordinal);

    public ConversationRiskEngine(ConversationRiskOptions? options = null, MessageDetector? detector = null)
    {
        _options = options ?? ConversationRiskOptions.Defaults;
        _options.Validate();
        _detector = detector ?? new MessageDetector();
    }

    public int ConversationCount => _conversations.Count;

    /// <summary>The conversation id the engine uses when the platform gives none: the two account ids, ordered.</summary>
    public static string PairId(string a, string b) =>
        string.CompareOrdinal(a, b) <= 0 ? $"{a.Length}:{a}|{b}" : $"{b.Length}:{b}|{a}";

    public ConversationAssessment Add(string? conversationId, ConversationMessage message, IReadOnlyList<BehaviourSignal>? senderSignals = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var id = string.IsNullOrEmpty(conversationId) ? PairId(message.From, message.To) : conversationId;
        var tracker = _conversations.GetOrAdd(id, key => new ConversationRiskTracker(key, _options, _detector));
        lock (tracker)
        {
            return tracker.Add(message, senderSignals);
        }
    }

    public GroomingCaseCandidate? CaseCandidate(string conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var tracker))
        {
            return null;
        }
        lock (tracker)
        {
            return tracker.BuildCaseCandidate();
        }
    }

    /// <summary>
    /// Applies the privacy windows to every conversation at <paramref name="now"/>, and forgets conversations that
    /// were never flagged and have been idle for longer than the text window (their counters go with them).
    /// </summary>
    public void Purge(DateTimeOffset now)
    {
        foreach (var (id, tracker) in _conversations)
        {
            lock (tracker)
            {
                tracker.Purge(now);
                if (!tracker.IsFlagged && now - tracker.LatestMessageTime > _options.UnflaggedTextWindow && tracker.Current.Tier == RiskTier.None)
                {
                    _conversations.TryRemove(id, out _);
                }
            }
        }
    }

    /// <summary>Message texts held across all conversations (for the privacy audit).</summary>
    public int RetainedTextCount => _conversations.Values.Sum(t =>
    {
        lock (t)
        {
            return t.RetainedTextCount;
        }
    });
}
