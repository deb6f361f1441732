// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Banks;

/// <summary>
/// What a platform should do with content that matches a bank. The numeric value is the
/// strictness used to pick a decision when several banks match (higher wins); the text form
/// (<see cref="BankActions.ToText"/>) is what is stored and sent on the wire.
/// </summary>
public enum BankAction
{
    /// <summary>
    /// An allow-list (negative) bank: content known to be harmless. Its matches cancel positive
    /// matches (see <c>Safeguard.Matching.AllowListFilter</c>) and never act by themselves.
    /// Below every positive action, so it never wins the strictest-action vote.
    /// </summary>
    Allow = -1,

    /// <summary>Record and report the match; the content may stay up.</summary>
    Report = 1,

    /// <summary>Let the content through and queue it for human review.</summary>
    Review = 2,

    /// <summary>Hold the content back until a human has reviewed it.</summary>
    Hold = 3,

    /// <summary>Refuse the content.</summary>
    Block = 4,
}

/// <summary>Text forms of <see cref="BankAction"/> and the decision names built on them.</summary>
public static class BankActions
{
    /// <summary>The decision when nothing matches.</summary>
    public const string Allow = "allow";

    /// <summary>Every action's text form, strictest first, then <c>allow</c> (allow-list banks).</summary>
    public static IReadOnlyList<string> Names { get; } = ["block", "hold", "review", "report", "allow"];

    /// <summary>The stored and wire form: <c>block</c>, <c>hold</c>, <c>review</c>, <c>report</c> or <c>allow</c>.</summary>
    public static string ToText(this BankAction action) => action switch
    {
        BankAction.Block => "block",
        BankAction.Hold => "hold",
        BankAction.Review => "review",
        BankAction.Report => "report",
        BankAction.Allow => "allow",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a bank action"),
    };

    /// <summary>Parses the text form (case-insensitive).</summary>
    public static bool TryParse(string? text, out BankAction action)
    {
        action = text?.Trim().ToLowerInvariant() switch
        {
            "block" => BankAction.Block,
            "hold" => BankAction.Hold,
            "review" => BankAction.Review,
            "report" => BankAction.Report,
            "allow" => BankAction.Allow,
            _ => 0,
        };
        return action != 0;
    }

    /// <summary>The decision for a check whose matches carry <paramref name="actions"/>: the strictest, or <c>allow</c>.</summary>
    public static string Decide(IEnumerable<BankAction> actions)
    {
        ArgumentNullException.ThrowIfNull(actions);
        BankAction strictest = 0;
        foreach (var a in actions)
        {
            if (a > strictest)
            {
                strictest = a;
            }
        }
        return strictest == 0 ? Allow : strictest.ToText();
    }
}
