// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Safeguard.Webhooks;

/// <summary>What the platform is asked to do with the content.</summary>
public enum PlatformAction
{
    /// <summary>Take the content down (a confirmed match, or a <c>block</c> decision).</summary>
    Remove,

    /// <summary>Put the content back (a cleared false positive).</summary>
    Restore,

    /// <summary>Keep it out of view while someone looks (a <c>hold</c>, or an escalation).</summary>
    Restrict,
}

/// <summary>
/// One action event, the body of a webhook (format <c>safeguard.action</c> version 1, see docs/formats.md).
/// </summary>
/// <param name="EventId">Unique id; receivers de-duplicate on it.</param>
/// <param name="EventType"><c>case.decided</c> (a reviewer) or <c>check.actioned</c> (an automatic decision).</param>
/// <param name="Time">When the decision was made.</param>
/// <param name="Action">What the platform should do.</param>
/// <param name="Decision">The decision that caused it: confirm/clear/escalate, or block/hold.</param>
/// <param name="CaseId">The case, for reviewer decisions.</param>
/// <param name="CheckId">The recorded check, when known.</param>
/// <param name="ContentRef">The platform's own content reference, echoed back.</param>
/// <param name="UserRef">The platform's own user reference, echoed back.</param>
/// <param name="Banks">The banks that matched.</param>
/// <param name="Shadow">True when a shadow-mode rule produced it (recorded, never sent).</param>
public sealed record PlatformActionEvent(
    string EventId,
    string EventType,
    DateTimeOffset Time,
    PlatformAction Action,
    string Decision,
    long? CaseId,
    long? CheckId,
    string? ContentRef,
    string? UserRef,
    IReadOnlyList<string> Banks,
    bool Shadow)
{
    /// <summary>Version of the JSON layout written by <see cref="ToJson"/>.</summary>
    public const int FormatVersion = 1;

    public const string CaseDecided = "case.decided";
    public const string CheckActioned = "check.actioned";

    /// <summary>The webhook body. Field order and names are part of the format.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("version", FormatVersion);
            w.WriteString("id", EventId);
            w.WriteString("type", EventType);
            w.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("action", ActionName(Action));
            w.WriteString("decision", Decision);
            WriteNullable(w, "caseId", CaseId);
            WriteNullable(w, "checkId", CheckId);
            w.WriteString("contentRef", ContentRef);
            w.WriteString("userRef", UserRef);
            w.WriteStartArray("banks");
            foreach (var bank in Banks)
            {
                w.WriteStringValue(bank);
            }
            w.WriteEndArray();
            w.WriteBoolean("shadow", Shadow);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The wire name of <paramref name="action"/>.</summary>
    public static string ActionName(PlatformAction action) => action switch
    {
        PlatformAction.Remove => "remove",
        PlatformAction.Restore => "restore",
        PlatformAction.Restrict => "restrict",
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    private static void WriteNullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}

/// <summary>Whether a rule acts or only records what it would have done.</summary>
public enum RuleMode
{
    /// <summary>Decisions are sent to the platform.</summary>
    Enforce,

    /// <summary>Decisions are recorded as shadow outbox rows and never sent: for trying a new bank or rule safely.</summary>
    Shadow,
}

/// <summary>
/// Turns automatic check decisions into outbox items. The server's check path calls
/// <see cref="ForAutomaticDecision"/> and writes the item with the check record.
/// </summary>
public static class PlatformActions
{
    /// <summary>
    /// The item for an automatic decision (<c>block</c> or <c>hold</c>), or null when the decision asks
    /// nothing of the platform (<c>allow</c>; <c>review</c> and <c>report</c> wait for a reviewer).
    /// In <see cref="RuleMode.Shadow"/> the item is recorded but never sent.
    /// </summary>
    public static OutboxItem? ForAutomaticDecision(
        string decision, RuleMode mode, DateTimeOffset time, long? checkId, string? contentRef, string? userRef, IReadOnlyList<string> banks)
    {
        PlatformAction? action = decision switch
        {
            "block" => PlatformAction.Remove,
            "hold" => PlatformAction.Restrict,
            _ => null,
        };
        if (action is null)
        {
            return null;
        }
        var shadow = mode == RuleMode.Shadow;
        var e = new PlatformActionEvent(
            Guid.NewGuid().ToString("D"), PlatformActionEvent.CheckActioned, time, action.Value, decision, null, checkId, contentRef, userRef, banks, shadow);
        return new OutboxItem(e.EventId, e.EventType, e.ToJson(), shadow);
    }
}
