// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Conversations;

namespace Safeguard.Tests.ChildSafety;

/// <summary>
/// The JSON shapes of <c>POST /v1/child-safety/decide</c>, <c>POST /v1/events</c> and the review-case candidate, as
/// documented in docs/formats.md ("Child safety wire format, version 1"). A failure here means the wire format changed.
/// </summary>
public class ChildSafetyWireFormatTests
{
    private const string EventsBody = """
        [
          {"type":"account-created","time":"2026-03-02T10:00:00Z","actor":{"id":"a1","ageBand":"adult","ageAssurance":"declared"}},
          {"type":"friend-request","time":"2026-03-02T10:05:00Z","actor":{"id":"a1","ageBand":"adult","ageAssurance":"declared"},
           "target":{"id":"k1","ageBand":"13-15","ageAssurance":"estimated"},"connected":false},
          {"type":"friend-request-accepted","time":"2026-03-02T10:06:00Z","actor":{"id":"k1","ageBand":"13-15"},"target":{"id":"a1","ageBand":"adult"}},
          {"type":"message-sent","time":"2026-03-02T21:30:00Z","actor":{"id":"a1","ageBand":"adult","ageAssurance":"declared"},
           "target":{"id":"k1","ageBand":"13-15","ageAssurance":"estimated"},"targetUtcOffsetMinutes":60,"connected":true,
           "channel":"private","conversationId":"conv-1","messageId":"m1","text":"send me a picture of yourself","sexualised":false},
          {"type":"message-sent","time":"2026-03-02T21:31:00Z","actor":{"id":"a1","ageBand":"adult","ageAssurance":"declared"},
           "target":{"id":"k1","ageBand":"13-15","ageAssurance":"estimated"},"connected":true,"channel":"private",
           "conversationId":"conv-1","messageId":"m2","text":"and don't tell your parents"},
          {"type":"block","time":"2026-03-02T21:40:00Z","actor":{"id":"k1","ageBand":"13-15"},"target":{"id":"a1","ageBand":"adult"}},
          {"type":"report","time":"2026-03-02T21:41:00Z","actor":{"id":"k1","ageBand":"13-15"},"target":{"id":"a1","ageBand":"adult"}},
          {"type":"profile-changed","time":"2026-03-02T22:00:00Z","actor":{"id":"a1","ageBand":"16-17"}}
        ]
        """;

    [Fact]
    public void Events_DocumentedBody_DeserialisesAndDrivesTheEngine()
    {
        var events = JsonSerializer.Deserialize(EventsBody, ChildSafetyJsonContext.Default.ListChildSafetyEvent)!;
        Assert.Equal(8, events.Count);
        var engine = new ChildSafetyEngine();
        var results = events.Select(engine.Ingest).ToList();

        Assert.Null(results[2].SubjectAccountId);                       // accepting is not a rejection
        var second = results[4];
        Assert.Equal(RiskTier.Urgent, second.Conversation!.Tier);       // image request + secrecy: escalator E1
        Assert.NotNull(second.CaseCandidate);
        Assert.Equal("conv-1", second.CaseCandidate!.ConversationId);
        Assert.Contains(results[6].BehaviourSignals, s => s.Code == "blocked_or_reported_by_minors");
        Assert.Contains(results[7].BehaviourSignals, s => s.Code == "age_band_lowered");
    }

    [Fact]
    public void Decision_SerialisesToExactlyDecisionRuleReason()
    {
        var decision = new Safeguard.ChildSafety.Policy.ChildSafetyDecision(Safeguard.ChildSafety.Policy.ChildSafetyDecisionKind.AllowWithWarning, "F2-DM-FIRST-CONTACT", "why");
        var json = JsonSerializer.Serialize(decision, ChildSafetyJsonContext.Default.ChildSafetyDecision);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["decision", "rule", "reason"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("allow-with-warning", doc.RootElement.GetProperty("decision").GetString());
    }

    [Fact]
    public void CaseCandidate_FieldNamesAreStable()
    {
        var engine = new ChildSafetyEngine();
        var events = JsonSerializer.Deserialize(EventsBody, ChildSafetyJsonContext.Default.ListChildSafetyEvent)!;
        GroomingCaseCandidate? candidate = null;
        foreach (var e in events)
        {
            candidate = engine.Ingest(e).CaseCandidate ?? candidate;
        }
        var json = JsonSerializer.Serialize(candidate!, ChildSafetyJsonContext.Default.GroomingCaseCandidate);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(
            ["conversationId", "tier", "score", "escalators", "participants", "firstMessageTime", "flaggedAt", "flaggedAtMessage",
             "timeline", "behaviourSignals", "contributions", "explanation", "textBlurredByDefault", "reminder"],
            root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("urgent", root.GetProperty("tier").GetString());
        var entry = root.GetProperty("timeline")[0];
        Assert.Equal(["messageId", "index", "time", "from", "fromAgeBand", "hits", "text"], entry.EnumerateObject().Select(p => p.Name));
        var hit = entry.GetProperty("hits")[0];
        Assert.Equal(["category", "messageId", "start", "length", "detector", "ruleId", "view", "confidence"], hit.EnumerateObject().Select(p => p.Name));
        Assert.Equal("image_request", hit.GetProperty("category").GetString());
        Assert.Equal(["id", "ageBand", "role", "messagesSent", "scoredHits"], root.GetProperty("participants")[0].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("""[{"type":"poke","time":"2026-03-02T10:00:00Z","actor":{"id":"a"}}]""")]
    [InlineData("""[{"type":"block","actor":{"id":"a"}}]""")]
    [InlineData("""[{"type":"block","time":"2026-03-02T10:00:00Z","actor":{"id":"a"},"extra":1}]""")]
    public void Events_Malformed_AreRejected(string body) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(body, ChildSafetyJsonContext.Default.ListChildSafetyEvent));

    [Fact]
    public void Ingest_TooLongText_IsRejectedBeforeAnythingIsCounted()
    {
        var engine = new ChildSafetyEngine();
        var e = new ChildSafetyEvent
        {
            Type = ChildSafetyEventType.MessageSent,
            Time = DateTimeOffset.UnixEpoch,
            Actor = new ChildSafetyAccount { Id = "a", AgeBand = AgeBand.Adult },
            Target = new ChildSafetyAccount { Id = "k", AgeBand = AgeBand.Under13 },
            MessageId = "m1",
            Text = new string('x', MessageDetector.MaxTextLength + 1),
        };
        Assert.Throws<ArgumentException>(() => engine.Ingest(e));
        Assert.Equal(0, engine.Behaviour.AccountCount);
        Assert.Equal(0, engine.Conversations.ConversationCount);
    }
}
