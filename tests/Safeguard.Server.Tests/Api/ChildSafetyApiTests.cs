// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Hosting.ChildSafety;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>
/// <c>POST /v1/child-safety/decide</c> and <c>POST /v1/events</c>. Expected decisions come from the rule
/// table in docs/child-safety.md, written down by hand; the conversations are fictional and non-explicit.
/// </summary>
public abstract class ChildSafetyApiTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Account(string id, string band, string assurance = "declared") =>
        $$"""{"id":"{{id}}","ageBand":"{{band}}","ageAssurance":"{{assurance}}"}""";

    [Theory]
    // action, actor band, target band, connected, blocked, settings JSON, expected decision, expected rule
    [InlineData("message", "adult", "13-15", false, false, null, "deny", "F1-DM-NON-CONNECTION")]
    [InlineData("message", "adult", "unknown", false, false, null, "deny", "F1-DM-NON-CONNECTION")]
    [InlineData("message", "adult", "13-15", true, false, null, "allow", "SG-CONNECTED-ADULT-TO-CHILD")]
    [InlineData("message", "adult", "adult", false, false, null, "allow", "SG-DEFAULT-ALLOW")]
    [InlineData("message", "adult", "adult", true, true, null, "deny", "SG-BLOCKED")]
    [InlineData("message", "13-15", "13-15", false, false, """{"allowMessagesFromNonConnections":true}""", "allow-with-warning", "F2-DM-FIRST-CONTACT")]
    [InlineData("message", "adult", "16-17", false, false, """{"allowMessagesFromNonConnections":true}""", "deny", "SG-DM-ADULT-NON-CONNECTION")]
    [InlineData("suggest", "13-15", "adult", false, false, null, "deny", "F1-CHILD-NOT-SUGGESTED")]
    [InlineData("suggest", "adult", "13-15", false, false, null, "deny", "F1-NO-SUGGESTIONS-FOR-CHILD")]
    [InlineData("see-location", "adult", "under13", true, false, null, "deny", "F1-LOCATION-HIDDEN")]
    [InlineData("add-to-group", "adult", "13-15", false, false, null, "deny", "F1-GROUP-NON-CONNECTION")]
    [InlineData("view-profile", "adult", "16-17", false, false, null, "deny", "F1-PROFILE-PRIVATE")]
    public async Task Decide_FollowsTheRuleTable(string action, string actorBand, string targetBand, bool connected, bool blocked, string? settings, string decision, string rule)
    {
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        string body = $$"""
            {"action":"{{action}}","actor":{{Account("a1", actorBand)}},"target":{{Account("t1", targetBand)}},
             "connected":{{(connected ? "true" : "false")}},"blocked":{{(blocked ? "true" : "false")}}{{(settings is null ? "" : ",\"settings\":" + settings)}}}
            """;
        var response = await client.PostAsync("/v1/child-safety/decide", Json(body), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(decision, result.GetProperty("decision").GetString());
        Assert.Equal(rule, result.GetProperty("rule").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("reason").GetString()));
    }

    [Theory]
    [InlineData("""{"action":"wave","actor":{"id":"a"},"target":{"id":"b"}}""", "action")]
    [InlineData("""{"action":"message","target":{"id":"b","ageBand":"adult","ageAssurance":"declared"}}""", "actor")]
    [InlineData("""{"action":"message","actor":{"id":"a","ageBand":"teen"},"target":{"id":"b"}}""", "actor.ageBand")]
    [InlineData("""{"action":"message","actor":{"id":" ","ageBand":"adult","ageAssurance":"declared"},"target":{"id":"b","ageBand":"adult","ageAssurance":"declared"}}""", "actor.id")]
    [InlineData("""{"action":"message","actor":{"id":"a"},"target":{"id":"b"},"mood":"happy"}""", "mood")]
    public async Task Decide_BadInput_Is400NamingTheField(string json, string field)
    {
        using var client = Server.Client();
        var problem = await ProblemAsync(await client.PostAsync("/v1/child-safety/decide", Json(json), Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {problem}");
    }

    [Fact]
    public async Task Decide_AndEvents_NeedTheCheckScope()
    {
        using var reviewer = Server.Client(await Server.CreateKeyAsync(ApiScopes.Review));
        string body = $$"""{"action":"message","actor":{{Account("a", "adult")}},"target":{{Account("b", "adult")}}}""";
        await ProblemAsync(await reviewer.PostAsync("/v1/child-safety/decide", Json(body), Ct), HttpStatusCode.Forbidden);
        await ProblemAsync(await reviewer.PostAsync("/v1/events", Json("[]"), Ct), HttpStatusCode.Forbidden);
    }

    private static string Message(string conversation, string id, string from, string fromBand, string to, string toBand, int minute, string text) =>
        JsonSerializer.Serialize(new
        {
            type = "message-sent",
            time = new DateTimeOffset(2026, 3, 14, 17, 0, 0, TimeSpan.Zero).AddMinutes(minute),
            actor = new { id = from, ageBand = fromBand, ageAssurance = "declared" },
            target = new { id = to, ageBand = toBand, ageAssurance = "declared" },
            conversationId = conversation,
            messageId = id,
            text,
        });

    [Fact]
    public async Task Events_AConversationReachingReview_BecomesOneGroomingCase()
    {
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string conversation = "conv-" + suffix, adult = "acct-adult-" + suffix, child = "acct-child-" + suffix;
        // A fictional, non-explicit script following the strategies of the grooming spec: flattery,
        // age probing, secrecy, moving to another app, asking for a photo, checking for adults nearby.
        string[] adultLines =
        [
            "you play way better than most people your age. how old are you btw",
            "you seem really mature for your age, honestly",
            "dont tell your parents about our chats ok, this is our secret",
            "lets talk on another app instead, add me there",
            "can you send me a photo of yourself",
            "are your parents home right now?",
        ];
        var events = new List<string>();
        int minute = 0;
        foreach (var (line, i) in adultLines.Select((l, i) => (l, i)))
        {
            events.Add(Message(conversation, $"m{(2 * i) + 1}", adult, "adult", child, "13-15", minute++, line));
            events.Add(Message(conversation, $"m{(2 * i) + 2}", child, "13-15", adult, "adult", minute++, "ok"));
        }
        var response = await client.PostAsync("/v1/events", Json("[" + string.Join(",", events) + "]"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(events.Count, results.Count);
        var caseIds = results.Where(r => r.TryGetProperty("caseId", out _)).Select(r => r.GetProperty("caseId").GetInt64()).Distinct().ToList();
        long caseId = Assert.Single(caseIds);
        var last = results[^1].GetProperty("conversation");
        Assert.Contains(last.GetProperty("tier").GetString(), new[] { "review", "urgent" });

        // One more message: the same case, not a second one.
        var again = await client.PostAsync("/v1/events", Json(Message(conversation, "m99", adult, "adult", child, "13-15", minute, "keep it between us")), Ct);
        var againResult = (await again.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results")[0];
        Assert.Equal(caseId, againResult.GetProperty("caseId").GetInt64());

        var cases = Server.Services.GetRequiredService<CaseService>();
        var opened = await cases.GetAsync(caseId, new Reviewer("cs-reviewer", ConsoleRoles.ChildSafetyReviewer), Ct);
        Assert.Equal(CaseKind.Grooming, opened.Kind);
        Assert.Equal(conversation, opened.Evidence.ContentRef);
        Assert.Equal(adult, opened.Evidence.UserRef);
        Assert.NotEmpty(opened.Evidence.TextHits);
        Assert.Contains(opened.Evidence.TextHits, h => h.Context.Contains("our secret", StringComparison.Ordinal));
        // Only child-safety reviewers may see grooming cases.
        await Assert.ThrowsAsync<CaseAccessException>(() => cases.GetAsync(caseId, new Reviewer("image-reviewer", ConsoleRoles.Reviewer), Ct));
        Assert.DoesNotContain(Server.Logs.Lines, l => l.Contains("our secret", StringComparison.Ordinal) || l.Contains(adult, StringComparison.Ordinal));

        // The case is one proactive grooming detection in the transparency records; a child-safety
        // reviewer's decision on it is recorded against that detection.
        var reviewer = new Reviewer("cs-reviewer", ConsoleRoles.ChildSafetyReviewer);
        await cases.ClaimAsync(caseId, reviewer, Ct);
        await cases.DecideAsync(caseId, reviewer, CaseDecision.Confirm, "the pattern is clear", cancellationToken: Ct);
        var payloads = new List<JsonElement>();
        await foreach (var e in Server.Services.GetRequiredService<Safeguard.Transparency.IRecordLog>().ReadAsync(cancellationToken: Ct))
        {
            payloads.Add(JsonDocument.Parse(e.Payload).RootElement.Clone());
        }
        string detectionId = $"det-grooming-case-{caseId}";
        var detection = Assert.Single(payloads, p => p.GetProperty("eventId").GetString() == detectionId);
        Assert.Equal("grooming", detection.GetProperty("type").GetString());
        Assert.Equal("proactive", detection.GetProperty("source").GetString());
        var decision = Assert.Single(payloads, p => p.TryGetProperty("detectionId", out var d) && d.GetString() == detectionId);
        Assert.Equal("confirm", decision.GetProperty("outcome").GetString());
        Assert.DoesNotContain(payloads, p => p.GetRawText().Contains(adult, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_ABenignConversation_OpensNoCase()
    {
        using var client = Server.Client();
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string coach = "acct-coach-" + suffix, player = "acct-player-" + suffix;
        string[] lines =
        [
            "practice moves to the north field on thursday",
            "bring your water bottle and shin guards",
            "the match starts at ten, your team meets at nine thirty",
        ];
        var events = lines.Select((l, i) => Message("team-" + suffix, $"c{i}", coach, "adult", player, "13-15", i, l));
        var response = await client.PostAsync("/v1/events", Json("[" + string.Join(",", events) + "]"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("results").EnumerateArray().ToList();
        Assert.All(results, r => Assert.False(r.TryGetProperty("caseId", out _)));
        Assert.Equal("none", results[^1].GetProperty("conversation").GetProperty("tier").GetString());
    }

    [Theory]
    [InlineData("""{"type":"message-sent","time":"2026-03-14T17:00:00Z","actor":{"id":"a","ageBand":"adult"},"target":{"id":"b","ageBand":"13-15"},"messageId":"m1"}""", "text")]
    [InlineData("""{"type":"message-sent","time":"2026-03-14T17:00:00Z","actor":{"id":"a","ageBand":"adult"},"target":{"id":"b","ageBand":"13-15"},"text":"hi"}""", "messageId")]
    [InlineData("""{"type":"friend-request","time":"2026-03-14T17:00:00Z","actor":{"id":"a","ageBand":"adult"}}""", "target.id")]
    [InlineData("""{"type":"wave","time":"2026-03-14T17:00:00Z","actor":{"id":"a"}}""", "type")]
    [InlineData("""{"time":"2026-03-14T17:00:00Z","actor":{"id":"a"}}""", "type")]
    [InlineData("""[]""", "body")]
    public async Task Events_BadInput_Is400NamingTheField(string json, string field)
    {
        using var client = Server.Client();
        var problem = await ProblemAsync(await client.PostAsync("/v1/events", Json(json), Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {problem}");
    }

    [Fact]
    public async Task Events_ABatchWithOneBadEvent_ChangesNothing()
    {
        using var client = Server.Client();
        var engine = Server.Services.GetRequiredService<ChildSafetyService>().Engine;
        string suffix = Guid.NewGuid().ToString("N")[..8];
        int before = engine.Conversations.ConversationCount;
        string good = Message("conv-bad-" + suffix, "m1", "a-" + suffix, "adult", "c-" + suffix, "13-15", 0, "how old are you");
        string bad = Message("conv-bad-" + suffix, "m2", "a-" + suffix, "adult", "c-" + suffix, "13-15", 1, new string('x', 10_001));
        var problem = await ProblemAsync(await client.PostAsync("/v1/events", Json($"[{good},{bad}]"), Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("[1].text", out _), problem.ToString());
        Assert.Equal(before, engine.Conversations.ConversationCount);
        Assert.Null(engine.Conversations.CaseCandidate("conv-bad-" + suffix));
    }
}

public sealed class SqliteChildSafetyApiTests(SqliteServerFixture fixture) : ChildSafetyApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresChildSafetyApiTests(PostgresServerFixture fixture) : ChildSafetyApiTests(fixture), IClassFixture<PostgresServerFixture>;
