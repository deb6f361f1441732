// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Policy;

/// <summary>One row of the rule table: its id, the decision it gives by default and the measure it implements.</summary>
public sealed record ChildSafetyRule(string Id, ChildSafetyDecisionKind DefaultDecision, string Measure, string Reason);

/// <summary>The rule table. Ids are stable: platforms override by id and decisions record the id.</summary>
public static class ChildSafetyRules
{
    public static readonly ChildSafetyRule Blocked = new(
        "SG-BLOCKED", ChildSafetyDecisionKind.Deny, "ICU F2 (blocking honoured)", "one account has blocked the other");

    public static readonly ChildSafetyRule Reported = new(
        "SG-REPORTED", ChildSafetyDecisionKind.Deny, "ICU F2 (reporting honoured)", "one account has reported the other and a child is involved");

    public static readonly ChildSafetyRule FlaggedAdult = new(
        "SG-FLAGGED-ADULT", ChildSafetyDecisionKind.Deny, "grooming spec 3.2 (suspicious adults hidden from children)", "the actor is flagged as a potentially suspicious adult and the target is or may be a child");

    public static readonly ChildSafetyRule SuggestChildViewer = new(
        "F1-NO-SUGGESTIONS-FOR-CHILD", ChildSafetyDecisionKind.Deny, "ICU F1", "children are not shown lists of suggested friends");

    public static readonly ChildSafetyRule SuggestChildCandidate = new(
        "F1-CHILD-NOT-SUGGESTED", ChildSafetyDecisionKind.Deny, "ICU F1", "children do not appear in other users' suggested-friend lists");

    public static readonly ChildSafetyRule DirectMessageNonConnection = new(
        "F1-DM-NON-CONNECTION", ChildSafetyDecisionKind.Deny, "ICU F1", "accounts outside a child's connections cannot send the child direct messages");

    public static readonly ChildSafetyRule AdultDirectMessageAfterOptOut = new(
        "SG-DM-ADULT-NON-CONNECTION", ChildSafetyDecisionKind.Deny, "ICU F1 (kept for adults after a child's opt-out)", "an adult or an account of unknown age cannot message a child it is not connected with, even when the child accepts messages from non-connections");

    public static readonly ChildSafetyRule DirectMessageFirstContact = new(
        "F2-DM-FIRST-CONTACT", ChildSafetyDecisionKind.AllowWithWarning, "ICU F2", "first message to a child from outside the child's connections: show the child a supportive prompt");

    public static readonly ChildSafetyRule ChildToUnconnectedAdult = new(
        "SG-CHILD-TO-UNCONNECTED", ChildSafetyDecisionKind.AllowWithWarning, "ICU F2 (by analogy)", "a child is contacting an adult or an account of unknown age outside the child's connections: show the child a supportive prompt");

    public static readonly ChildSafetyRule ConnectedAdultToChild = new(
        "SG-CONNECTED-ADULT-TO-CHILD", ChildSafetyDecisionKind.Allow, "ICU F1 (connections may message)", "the accounts are connected");

    public static readonly ChildSafetyRule LocationHidden = new(
        "F1-LOCATION-HIDDEN", ChildSafetyDecisionKind.Deny, "ICU F1", "a child's location information is not visible to any other user");

    public static readonly ChildSafetyRule LocationSharedByChoice = new(
        "F2-LOCATION-SHARED", ChildSafetyDecisionKind.AllowWithWarning, "ICU F2", "the child turned location sharing on for connections: remind the child who can see it");

    public static readonly ChildSafetyRule GroupNonConnection = new(
        "F1-GROUP-NON-CONNECTION", ChildSafetyDecisionKind.Deny, "ICU F1 (inferred: groups must not work around the direct-message default)", "accounts outside a child's connections cannot add the child to a group");

    public static readonly ChildSafetyRule GroupFirstContact = new(
        "F2-GROUP-FIRST-CONTACT", ChildSafetyDecisionKind.AllowWithWarning, "ICU F2", "a child outside the target child's connections adds the child to a group: show a supportive prompt");

    public static readonly ChildSafetyRule ProfilePrivate = new(
        "F1-PROFILE-PRIVATE", ChildSafetyDecisionKind.Deny, "ICU F1", "a child's connection lists and profile are not visible to accounts outside the child's connections");

    public static readonly ChildSafetyRule ProfilePublicByChoice = new(
        "F2-PROFILE-PUBLIC", ChildSafetyDecisionKind.AllowWithWarning, "ICU F2", "the child made the profile visible to non-connections: remind the child who can see it");

    public static readonly ChildSafetyRule Default = new(
        "SG-DEFAULT-ALLOW", ChildSafetyDecisionKind.Allow, "—", "no child-safety rule applies");

    /// <summary>Every rule, in the order the documentation lists them.</summary>
    public static IReadOnlyList<ChildSafetyRule> All { get; } =
    [
        Blocked, Reported, FlaggedAdult, SuggestChildViewer, SuggestChildCandidate, DirectMessageNonConnection,
        AdultDirectMessageAfterOptOut, DirectMessageFirstContact, ChildToUnconnectedAdult, ConnectedAdultToChild,
        LocationHidden, LocationSharedByChoice, GroupNonConnection, GroupFirstContact, ProfilePrivate, ProfilePublicByChoice,
        Default,
    ];
}
