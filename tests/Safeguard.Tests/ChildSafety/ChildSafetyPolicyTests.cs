// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Policy;
using static Safeguard.ChildSafety.Policy.ChildSafetyDecisionKind;

namespace Safeguard.Tests.ChildSafety;

public class ChildSafetyPolicyTests
{
    private const string Adult = "adult";
    private const string Teen = "13-15";
    private const string Older = "16-17";
    private const string Child = "under13";
    private const string Unknown = "unknown";

    /// <summary>
    /// One row per rule (and per branch of a rule): action, actor band, target band, connected, extra, expected decision
    /// and rule. Extra: "blocked", "reported", "flagged", "optout" (every target setting on), "adult-declared",
    /// "adult-none" (the target's adult band rests on that assurance).
    /// </summary>
    public static TheoryData<string, string, string, bool, string, ChildSafetyDecisionKind, string> Table => new()
    {
        { "message", Adult, Adult, false, "blocked", Deny, "SG-BLOCKED" },
        { "view-profile", Teen, Teen, true, "blocked", Deny, "SG-BLOCKED" },
        { "message", Adult, Teen, true, "reported", Deny, "SG-REPORTED" },
        { "message", Adult, Adult, true, "reported", Allow, "SG-DEFAULT-ALLOW" },
        { "message", Adult, Teen, true, "flagged", Deny, "SG-FLAGGED-ADULT" },
        { "suggest", Adult, Teen, false, "", Deny, "F1-NO-SUGGESTIONS-FOR-CHILD" },
        { "suggest", Teen, Adult, false, "", Deny, "F1-CHILD-NOT-SUGGESTED" },
        { "suggest", Unknown, Adult, false, "", Deny, "F1-CHILD-NOT-SUGGESTED" },
        { "suggest", Adult, Adult, false, "", Allow, "SG-DEFAULT-ALLOW" },
        { "message", Adult, Teen, false, "", Deny, "F1-DM-NON-CONNECTION" },
        { "message", Teen, Child, false, "", Deny, "F1-DM-NON-CONNECTION" },
        { "message", Adult, Older, false, "optout", Deny, "SG-DM-ADULT-NON-CONNECTION" },
        { "message", Unknown, Older, false, "optout", Deny, "SG-DM-ADULT-NON-CONNECTION" },
        { "message", Teen, Older, false, "optout", AllowWithWarning, "F2-DM-FIRST-CONTACT" },
        { "message", Teen, Child, false, "optout", Deny, "F1-DM-NON-CONNECTION" },
        { "message", Teen, Adult, false, "", AllowWithWarning, "SG-CHILD-TO-UNCONNECTED" },
        { "message", Adult, Teen, true, "", Allow, "SG-CONNECTED-ADULT-TO-CHILD" },
        { "message", Teen, Teen, true, "", Allow, "SG-DEFAULT-ALLOW" },
        { "see-location", Adult, Teen, true, "", Deny, "F1-LOCATION-HIDDEN" },
        { "see-location", Teen, Child, true, "optout", Deny, "F1-LOCATION-HIDDEN" },
        { "see-location", Teen, Older, true, "optout", AllowWithWarning, "F2-LOCATION-SHARED" },
        { "see-location", Teen, Older, false, "optout", Deny, "F1-LOCATION-HIDDEN" },
        { "see-location", Teen, Adult, false, "", Allow, "SG-DEFAULT-ALLOW" },
        { "add-to-group", Adult, Teen, false, "", Deny, "F1-GROUP-NON-CONNECTION" },
        { "add-to-group", Adult, Teen, false, "optout", Deny, "F1-GROUP-NON-CONNECTION" },
        { "add-to-group", Teen, Teen, false, "optout", AllowWithWarning, "F2-GROUP-FIRST-CONTACT" },
        { "add-to-group", Adult, Teen, true, "", Allow, "SG-DEFAULT-ALLOW" },
        { "view-profile", Adult, Child, false, "", Deny, "F1-PROFILE-PRIVATE" },
        { "view-profile", Adult, Older, false, "optout", AllowWithWarning, "F2-PROFILE-PUBLIC" },
        { "view-profile", Adult, Teen, true, "", Allow, "SG-DEFAULT-ALLOW" },
        // Unknown age is protected as a child when it is the target.
        { "message", Adult, Unknown, false, "", Deny, "F1-DM-NON-CONNECTION" },
        { "see-location", Adult, Unknown, true, "optout", Deny, "F1-LOCATION-HIDDEN" },
        { "suggest", Adult, Unknown, false, "", Deny, "F1-NO-SUGGESTIONS-FOR-CHILD" },
        // An adult band with no assurance at all is unknown age; a declared one is believed by default.
        { "message", Adult, Adult, false, "adult-none", Deny, "F1-DM-NON-CONNECTION" },
        { "message", Adult, Adult, false, "adult-declared", Allow, "SG-DEFAULT-ALLOW" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Decide_FollowsTheRuleTable(string action, string actorBand, string targetBand, bool connected, string extra, ChildSafetyDecisionKind decision, string rule)
    {
        var request = Request(action, actorBand, targetBand, connected, extra);
        var result = ChildSafetyPolicy.Default.Decide(request);
        Assert.Equal((decision, rule), (result.Decision, result.Rule));
        Assert.False(string.IsNullOrWhiteSpace(result.Reason));
    }

    [Fact]
    public void RuleTable_EveryRuleIsExercisedByTheTableTest()
    {
        var exercised = Table.Select(row => row.Data.Item7).ToHashSet();
        var missing = ChildSafetyRules.All.Select(r => r.Id).Where(id => !exercised.Contains(id)).ToList();
        Assert.True(missing.Count == 0, "rules without a table row: " + string.Join(", ", missing));
    }

    [Fact]
    public void Override_ThatTightens_ChangesTheDecision()
    {
        var policy = new ChildSafetyPolicy(new ChildSafetyPolicyOptions
        {
            RuleDecisions = new Dictionary<string, ChildSafetyDecisionKind> { ["SG-CONNECTED-ADULT-TO-CHILD"] = AllowWithWarning },
        });
        var result = policy.Decide(Request("message", Adult, Teen, true, ""));
        Assert.Equal((AllowWithWarning, "SG-CONNECTED-ADULT-TO-CHILD"), (result.Decision, result.Rule));
    }

    [Fact]
    public void Override_ThatLoosens_IsRejectedWithAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChildSafetyPolicy(new ChildSafetyPolicyOptions
        {
            RuleDecisions = new Dictionary<string, ChildSafetyDecisionKind> { ["F1-DM-NON-CONNECTION"] = Allow },
        }));
        Assert.Contains("'F1-DM-NON-CONNECTION' would loosen 'deny' to 'allow'", e.Message, StringComparison.Ordinal);
        Assert.Contains("may only tighten", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_LettingUnder13sOptOut_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChildSafetyPolicy(new ChildSafetyPolicyOptions { AllowOptOutUnder13 = true }));
        Assert.Contains("allowOptOutUnder13 would loosen", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_LoweringAdultAssurance_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChildSafetyPolicy(new ChildSafetyPolicyOptions { MinimumAdultAssurance = AgeAssurance.None }));
        Assert.Contains("minimumAdultAssurance", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_UnknownRule_IsRejectedNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new ChildSafetyPolicy(new ChildSafetyPolicyOptions
        {
            RuleDecisions = new Dictionary<string, ChildSafetyDecisionKind> { ["NO-SUCH-RULE"] = Deny },
        }));
        Assert.Contains("unknown rule 'NO-SUCH-RULE'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tightening_RaisingAdultAssurance_TreatsDeclaredAdultsAsUnknown()
    {
        var policy = new ChildSafetyPolicy(new ChildSafetyPolicyOptions { MinimumAdultAssurance = AgeAssurance.Verified });
        Assert.Equal("F1-DM-NON-CONNECTION", policy.Decide(Request("message", Adult, Adult, false, "adult-declared")).Rule);
    }

    [Fact]
    public void Tightening_NoOptOutFor16To17_KeepsTheDefault()
    {
        var policy = new ChildSafetyPolicy(new ChildSafetyPolicyOptions { AllowOptOut16To17 = false });
        Assert.Equal("F1-PROFILE-PRIVATE", policy.Decide(Request("view-profile", Adult, Older, false, "optout")).Rule);
    }

    [Fact]
    public void Decide_MissingActorId_NamesTheField()
    {
        var request = Request("message", Adult, Teen, false, "") with { Actor = new ChildSafetyAccount { Id = " " } };
        var e = Assert.Throws<ArgumentException>(() => ChildSafetyPolicy.Default.Decide(request));
        Assert.Contains("actor.id", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_RequestAndDecision_UseTheIssueShapes()
    {
        const string body = """
            {"action":"see-location","actor":{"id":"a1","ageBand":"adult","ageAssurance":"verified"},
             "target":{"id":"c1","ageBand":"13-15","ageAssurance":"estimated"},"connected":true,"blocked":false}
            """;
        var request = JsonSerializer.Deserialize(body, ChildSafetyJsonContext.Default.ChildSafetyRequest)!;
        Assert.Equal(ChildSafetyAction.SeeLocation, request.Action);
        Assert.Equal(AgeBand.Age13To15, request.Target.AgeBand);
        var json = JsonSerializer.Serialize(ChildSafetyPolicy.Default.Decide(request), ChildSafetyJsonContext.Default.ChildSafetyDecision);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("deny", doc.RootElement.GetProperty("decision").GetString());
        Assert.Equal("F1-LOCATION-HIDDEN", doc.RootElement.GetProperty("rule").GetString());
        Assert.True(doc.RootElement.TryGetProperty("reason", out _));
    }

    [Theory]
    [InlineData("""{"action":"wave","actor":{"id":"a"},"target":{"id":"b"}}""")]
    [InlineData("""{"action":1,"actor":{"id":"a"},"target":{"id":"b"}}""")]
    [InlineData("""{"action":"message","actor":{"id":"a","ageBand":"teen"},"target":{"id":"b"}}""")]
    [InlineData("""{"action":"message","actor":{"id":"a"}}""")]
    public void Json_BadRequest_IsRejected(string body) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(body, ChildSafetyJsonContext.Default.ChildSafetyRequest));

    private static ChildSafetyRequest Request(string action, string actorBand, string targetBand, bool connected, string extra)
    {
        var optOut = extra == "optout";
        var targetAssurance = extra switch
        {
            "adult-none" => AgeAssurance.None,
            "adult-declared" => AgeAssurance.Declared,
            _ => AgeAssurance.Verified,
        };
        return new ChildSafetyRequest
        {
            Action = action switch
            {
                "message" => ChildSafetyAction.Message,
                "suggest" => ChildSafetyAction.Suggest,
                "see-location" => ChildSafetyAction.SeeLocation,
                "add-to-group" => ChildSafetyAction.AddToGroup,
                _ => ChildSafetyAction.ViewProfile,
            },
            Actor = new ChildSafetyAccount { Id = "actor", AgeBand = Band(actorBand), AgeAssurance = AgeAssurance.Verified },
            Target = new ChildSafetyAccount { Id = "target", AgeBand = Band(targetBand), AgeAssurance = targetAssurance },
            Connected = connected,
            Blocked = extra == "blocked",
            Reported = extra == "reported",
            ActorFlagged = extra == "flagged",
            Settings = optOut
                ? new ChildSafetySettings { AllowMessagesFromNonConnections = true, AllowGroupInvitesFromNonConnections = true, ShareLocationWithConnections = true, ProfileVisibleToNonConnections = true }
                : null,
        };
    }

    private static AgeBand Band(string wire) => wire switch
    {
        Adult => AgeBand.Adult,
        Teen => AgeBand.Age13To15,
        Older => AgeBand.Age16To17,
        Child => AgeBand.Under13,
        _ => AgeBand.Unknown,
    };
}
