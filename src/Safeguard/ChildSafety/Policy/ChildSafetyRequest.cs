// SPDX-License-Identifier: Apache-2.0
using System.Text.Json.Serialization;

namespace Safeguard.ChildSafety.Policy;

/// <summary>What the actor wants to do to (or with) the target.</summary>
[JsonConverter(typeof(StrictEnumConverter<ChildSafetyAction>))]
public enum ChildSafetyAction
{
    /// <summary>The actor sends the target a direct message.</summary>
    [JsonStringEnumMemberName("message")] Message = 1,

    /// <summary>The actor appears in the target's suggested-friend list.</summary>
    [JsonStringEnumMemberName("suggest")] Suggest = 2,

    /// <summary>The actor sees the target's location.</summary>
    [JsonStringEnumMemberName("see-location")] SeeLocation = 3,

    /// <summary>The actor adds the target to a group chat.</summary>
    [JsonStringEnumMemberName("add-to-group")] AddToGroup = 4,

    /// <summary>The actor views the target's full profile (including connection lists).</summary>
    [JsonStringEnumMemberName("view-profile")] ViewProfile = 5,
}

/// <summary>The body of <c>POST /v1/child-safety/decide</c>.</summary>
public sealed record ChildSafetyRequest
{
    public required ChildSafetyAction Action { get; init; }

    public required ChildSafetyAccount Actor { get; init; }

    public required ChildSafetyAccount Target { get; init; }

    /// <summary>The two accounts are connected (friends, mutual follows, accepted contact).</summary>
    public bool Connected { get; init; }

    /// <summary>Either account has blocked the other.</summary>
    public bool Blocked { get; init; }

    /// <summary>Either account has reported the other (open or upheld).</summary>
    public bool Reported { get; init; }

    /// <summary>The actor is flagged as a potentially suspicious adult (behaviour risk or an earlier review).</summary>
    public bool ActorFlagged { get; init; }

    /// <summary>The target's own settings: which F1 defaults the target has turned off. Absent means every default is on.</summary>
    public ChildSafetySettings? Settings { get; init; }
}

/// <summary>
/// The target's choices about its own defaults. Every flag false is the ICU F1 default; a child may turn a default off
/// only where the platform's options allow it for the child's age band.
/// </summary>
public sealed record ChildSafetySettings
{
    public bool AllowMessagesFromNonConnections { get; init; }

    public bool AllowGroupInvitesFromNonConnections { get; init; }

    public bool ShareLocationWithConnections { get; init; }

    public bool ProfileVisibleToNonConnections { get; init; }
}

/// <summary>The outcome: allow, deny, or allow with a supportive prompt to the child (ICU F2).</summary>
[JsonConverter(typeof(StrictEnumConverter<ChildSafetyDecisionKind>))]
public enum ChildSafetyDecisionKind
{
    [JsonStringEnumMemberName("allow")] Allow = 0,
    [JsonStringEnumMemberName("allow-with-warning")] AllowWithWarning = 1,
    [JsonStringEnumMemberName("deny")] Deny = 2,
}

/// <summary>The response of <c>POST /v1/child-safety/decide</c>: the decision, the rule id that decided it and why.</summary>
public sealed record ChildSafetyDecision(ChildSafetyDecisionKind Decision, string Rule, string Reason);
