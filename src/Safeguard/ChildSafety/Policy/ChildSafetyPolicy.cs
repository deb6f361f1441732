// SPDX-License-Identifier: Apache-2.0
using System.Collections.Frozen;

namespace Safeguard.ChildSafety.Policy;

/// <summary>
/// Answers "may the actor do this to the target?" from the ICU F1 defaults for child users, the two accounts' age
/// bands and assurance, their connection, blocks and reports, and the target's own settings. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Unknown age is treated protectively: an account whose age is unknown (or whose adult band rests on weaker assurance
/// than <see cref="ChildSafetyPolicyOptions.MinimumAdultAssurance"/>) is protected as a child when it is the target, and
/// restricted as an adult when it is the actor. It may never opt out of a default, because its band is not known.
/// </remarks>
public sealed class ChildSafetyPolicy
{
    private readonly ChildSafetyPolicyOptions _options;
    private readonly FrozenDictionary<string, ChildSafetyDecisionKind> _decisions;

    /// <exception cref="ArgumentException">An override would loosen a default, or names an unknown rule.</exception>
    public ChildSafetyPolicy(ChildSafetyPolicyOptions? options = null)
    {
        _options = options ?? ChildSafetyPolicyOptions.Defaults;
        Validate(_options);
        var decisions = ChildSafetyRules.All.ToDictionary(r => r.Id, r => r.DefaultDecision, StringComparer.Ordinal);
        foreach (var (id, decision) in _options.RuleDecisions)
        {
            decisions[id] = decision;
        }
        _decisions = decisions.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public static ChildSafetyPolicy Default { get; } = new();

    /// <summary>The decision each rule gives under this platform's options.</summary>
    public ChildSafetyDecisionKind DecisionFor(ChildSafetyRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return _decisions[rule.Id];
    }

    /// <exception cref="ArgumentException">The request lacks an actor, a target or an account id, or names an undefined action.</exception>
    public ChildSafetyDecision Decide(ChildSafetyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateRequest(request);
        var rule = SelectRule(request);
        return new ChildSafetyDecision(_decisions[rule.Id], rule.Id, rule.Reason);
    }

    private ChildSafetyRule SelectRule(ChildSafetyRequest request)
    {
        var actor = Classify(request.Actor);
        var target = Classify(request.Target);
        var targetChildLike = target != AgeClass.Adult;
        var actorAdultLike = actor != AgeClass.Child;
        var settings = request.Settings ?? new ChildSafetySettings();
        var targetMayOptOut = target == AgeClass.Child && MayOptOut(request.Target.AgeBand);

        if (request.Blocked)
        {
            return ChildSafetyRules.Blocked;
        }
        if (request.Reported && (targetChildLike || actor != AgeClass.Adult))
        {
            return ChildSafetyRules.Reported;
        }
        if (request.ActorFlagged && actorAdultLike && targetChildLike)
        {
            return ChildSafetyRules.FlaggedAdult;
        }

        switch (request.Action)
        {
            case ChildSafetyAction.Suggest:
                // The actor would appear in the target's list: a child target is shown no list, a child actor is in none.
                if (targetChildLike)
                {
                    return ChildSafetyRules.SuggestChildViewer;
                }
                return actor != AgeClass.Adult ? ChildSafetyRules.SuggestChildCandidate : ChildSafetyRules.Default;

            case ChildSafetyAction.Message:
                if (targetChildLike && !request.Connected)
                {
                    if (targetMayOptOut && settings.AllowMessagesFromNonConnections)
                    {
                        return actorAdultLike ? ChildSafetyRules.AdultDirectMessageAfterOptOut : ChildSafetyRules.DirectMessageFirstContact;
                    }
                    return ChildSafetyRules.DirectMessageNonConnection;
                }
                if (targetChildLike && actorAdultLike)
                {
                    return ChildSafetyRules.ConnectedAdultToChild;
                }
                return actor == AgeClass.Child && !request.Connected ? ChildSafetyRules.ChildToUnconnectedAdult : ChildSafetyRules.Default;

            case ChildSafetyAction.SeeLocation:
                if (!targetChildLike)
                {
                    return ChildSafetyRules.Default;
                }
                return targetMayOptOut && settings.ShareLocationWithConnections && request.Connected
                    ? ChildSafetyRules.LocationSharedByChoice
                    : ChildSafetyRules.LocationHidden;

            case ChildSafetyAction.AddToGroup:
                if (!targetChildLike || request.Connected)
                {
                    return ChildSafetyRules.Default;
                }
                return targetMayOptOut && settings.AllowGroupInvitesFromNonConnections && actor == AgeClass.Child
                    ? ChildSafetyRules.GroupFirstContact
                    : ChildSafetyRules.GroupNonConnection;

            case ChildSafetyAction.ViewProfile:
                if (!targetChildLike || request.Connected)
                {
                    return ChildSafetyRules.Default;
                }
                return targetMayOptOut && settings.ProfileVisibleToNonConnections
                    ? ChildSafetyRules.ProfilePublicByChoice
                    : ChildSafetyRules.ProfilePrivate;

            default:
                throw new ArgumentException($"action {(int)request.Action} is not one of message, suggest, see-location, add-to-group, view-profile", nameof(request));
        }
    }

    private AgeClass Classify(ChildSafetyAccount account)
    {
        if (account.AgeBand.IsMinor())
        {
            // A claimed child band is believed whatever its assurance: believing it can only add protection.
            return AgeClass.Child;
        }
        return account.AgeBand == AgeBand.Adult && account.AgeAssurance >= _options.MinimumAdultAssurance
            ? AgeClass.Adult
            : AgeClass.Unknown;
    }

    private bool MayOptOut(AgeBand band) => band switch
    {
        AgeBand.Under13 => _options.AllowOptOutUnder13,
        AgeBand.Age13To15 => _options.AllowOptOut13To15,
        AgeBand.Age16To17 => _options.AllowOptOut16To17,
        _ => false,
    };

    private static void ValidateRequest(ChildSafetyRequest request)
    {
        if (!Enum.IsDefined(request.Action))
        {
            throw new ArgumentException($"action {(int)request.Action} is not one of message, suggest, see-location, add-to-group, view-profile", nameof(request));
        }
        CheckAccount(request.Actor, "actor");
        CheckAccount(request.Target, "target");
    }

    private static void CheckAccount(ChildSafetyAccount? account, string role)
    {
        if (account is null)
        {
            throw new ArgumentException($"{role} is required", "request");
        }
        if (string.IsNullOrWhiteSpace(account.Id))
        {
            throw new ArgumentException($"{role}.id is required", "request");
        }
        if (!Enum.IsDefined(account.AgeBand) || !Enum.IsDefined(account.AgeAssurance))
        {
            throw new ArgumentException($"{role} has an undefined ageBand or ageAssurance", "request");
        }
    }

    private static void Validate(ChildSafetyPolicyOptions options)
    {
        if (!Enum.IsDefined(options.MinimumAdultAssurance))
        {
            throw new ArgumentException($"minimumAdultAssurance {(int)options.MinimumAdultAssurance} is not a defined assurance level", nameof(options));
        }
        if (options.MinimumAdultAssurance < ChildSafetyPolicyOptions.Defaults.MinimumAdultAssurance)
        {
            throw new ArgumentException(
                $"minimumAdultAssurance '{options.MinimumAdultAssurance}' would loosen the default 'Declared': platform overrides may only tighten the child-safety defaults",
                nameof(options));
        }
        if (options.AllowOptOutUnder13)
        {
            throw new ArgumentException(
                "allowOptOutUnder13 would loosen the default: children under 13 cannot turn off ICU F1 defaults, and platform overrides may only tighten them",
                nameof(options));
        }
        var byId = ChildSafetyRules.All.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var (id, decision) in options.RuleDecisions)
        {
            if (!byId.TryGetValue(id, out var rule))
            {
                throw new ArgumentException($"override names unknown rule '{id}'; known rules: {string.Join(", ", byId.Keys)}", nameof(options));
            }
            if (!Enum.IsDefined(decision))
            {
                throw new ArgumentException($"override for rule '{id}' has an undefined decision", nameof(options));
            }
            if (decision < rule.DefaultDecision)
            {
                throw new ArgumentException(
                    $"override for rule '{id}' would loosen '{WireName(rule.DefaultDecision)}' to '{WireName(decision)}': platform overrides may only tighten the child-safety defaults ({rule.Measure})",
                    nameof(options));
            }
        }
    }

    internal static string WireName(ChildSafetyDecisionKind kind) => kind switch
    {
        ChildSafetyDecisionKind.Allow => "allow",
        ChildSafetyDecisionKind.AllowWithWarning => "allow-with-warning",
        _ => "deny",
    };

    private enum AgeClass
    {
        Child,
        Adult,
        Unknown,
    }
}
