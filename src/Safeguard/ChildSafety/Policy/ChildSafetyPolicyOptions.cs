// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Policy;

/// <summary>
/// A platform's overrides of the child-safety defaults. Every setting can only make the policy stricter:
/// <see cref="ChildSafetyPolicy"/> rejects any value that would loosen a default.
/// </summary>
public sealed record ChildSafetyPolicyOptions
{
    /// <summary>
    /// The weakest assurance under which an "adult" band is believed. An adult band established more weakly is treated
    /// as unknown age. Default <see cref="AgeAssurance.Declared"/>; may be raised to Estimated or Verified.
    /// </summary>
    public AgeAssurance MinimumAdultAssurance { get; init; } = AgeAssurance.Declared;

    /// <summary>Whether a child under 13 may turn an F1 default off. Default false, and it cannot be turned on.</summary>
    public bool AllowOptOutUnder13 { get; init; }

    /// <summary>Whether a child aged 13–15 may turn an F1 default off. Default true; a platform may set it false.</summary>
    public bool AllowOptOut13To15 { get; init; } = true;

    /// <summary>Whether a child aged 16–17 may turn an F1 default off. Default true; a platform may set it false.</summary>
    public bool AllowOptOut16To17 { get; init; } = true;

    /// <summary>Per-rule decision overrides by rule id; each must be at least as strict as the rule's default.</summary>
    public IReadOnlyDictionary<string, ChildSafetyDecisionKind> RuleDecisions { get; init; } =
        new Dictionary<string, ChildSafetyDecisionKind>(StringComparer.Ordinal);

    public static ChildSafetyPolicyOptions Defaults { get; } = new();
}
