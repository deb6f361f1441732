// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>The persisted names of every record enum (format version 1). Never change one; add new ones.</summary>
public static class RecordNames
{
    private static readonly string[] DetectionTypes = ["hash-match", "url", "keyword", "grooming", "classifier", "manual"];
    private static readonly string[] DetectionSources = ["proactive", "user-report", "staff", "external-notice"];
    private static readonly string[] Outcomes = ["confirm", "clear", "escalate"];
    private static readonly string[] Actions = ["removed", "restricted", "blocked-at-upload", "account-suspended", "account-banned", "reinstated"];
    private static readonly string[] Recipients = ["ncmec", "nca"];
    private static readonly string[] Priorities = ["P1", "P2", "P3"];
    private static readonly string[] AppealStages = ["lodged", "upheld", "reversed"];

    public static string Name(DetectionType value) => DetectionTypes[(int)value];

    public static string Name(DetectionSource value) => DetectionSources[(int)value];

    public static string Name(DecisionOutcome value) => Outcomes[(int)value];

    public static string Name(ActionKind value) => Actions[(int)value];

    public static string Name(ReportRecipient value) => Recipients[(int)value];

    public static string Name(ReportPriority value) => Priorities[(int)value];

    public static string Name(AppealStage value) => AppealStages[(int)value];

    internal static IReadOnlyList<string> All<T>()
        where T : struct, Enum => typeof(T) switch
        {
            var t when t == typeof(DetectionType) => DetectionTypes,
            var t when t == typeof(DetectionSource) => DetectionSources,
            var t when t == typeof(DecisionOutcome) => Outcomes,
            var t when t == typeof(ActionKind) => Actions,
            var t when t == typeof(ReportRecipient) => Recipients,
            var t when t == typeof(ReportPriority) => Priorities,
            var t when t == typeof(AppealStage) => AppealStages,
            _ => throw new ArgumentException("not a record enum", nameof(T)),
        };

    internal static bool TryParse<T>(string text, out T value)
        where T : struct, Enum
    {
        var names = All<T>();
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], text, StringComparison.Ordinal))
            {
                value = (T)(object)i;
                return true;
            }
        }
        value = default;
        return false;
    }
}

/// <summary>A record payload that cannot be read. The message names the field and never quotes content.</summary>
public sealed class RecordFormatException(string message) : Exception(message);

/// <summary>
/// Writes and reads transparency record payloads, format version 1 (docs/formats.md, "Transparency records").
/// Payloads are compact JSON with a fixed field order; absent optional fields are omitted.
/// </summary>
public static class RecordCodec
{
    /// <summary>The payload format version written as <c>"v"</c>.</summary>
    public const int Version = 1;

    /// <summary>The longest identifier or name accepted in a record.</summary>
    public const int MaxTokenLength = 200;

    /// <summary>The payload JSON of a record (validated first).</summary>
    public static string Serialize(TransparencyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        Validate(record);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteString("eventId", record.EventId);
            w.WriteString("occurredAt", HashChain.FormatTime(record.OccurredAt));
            switch (record)
            {
                case DetectionRecord d:
                    w.WriteString("itemId", d.ItemId);
                    Optional(w, "accountId", d.AccountId);
                    w.WriteString("type", RecordNames.Name(d.Type));
                    w.WriteString("source", RecordNames.Name(d.Source));
                    Optional(w, "bank", d.Bank);
                    Optional(w, "category", d.Category);
                    Optional(w, "list", d.List);
                    Optional(w, "detector", d.Detector);
                    Optional(w, "detectorVersion", d.DetectorVersion);
                    Optional(w, "surface", d.Surface);
                    break;
                case DecisionRecord d:
                    w.WriteString("itemId", d.ItemId);
                    w.WriteString("detectionId", d.DetectionId);
                    w.WriteString("outcome", RecordNames.Name(d.Outcome));
                    Optional(w, "detector", d.Detector);
                    Optional(w, "detectorVersion", d.DetectorVersion);
                    Optional(w, "reviewer", d.Reviewer);
                    break;
                case ActionRecord a:
                    Optional(w, "itemId", a.ItemId);
                    Optional(w, "accountId", a.AccountId);
                    w.WriteString("action", RecordNames.Name(a.Action));
                    w.WriteBoolean("automated", a.Automated);
                    Optional(w, "triggerId", a.TriggerId);
                    break;
                case AuthorityReportRecord r:
                    w.WriteString("itemId", r.ItemId);
                    w.WriteString("recipient", RecordNames.Name(r.Recipient));
                    w.WriteString("priority", RecordNames.Name(r.Priority));
                    break;
                case AppealRecord a:
                    w.WriteString("appealId", a.AppealId);
                    Optional(w, "itemId", a.ItemId);
                    Optional(w, "actionId", a.ActionId);
                    w.WriteString("stage", RecordNames.Name(a.Stage));
                    w.WriteBoolean("aboutProactiveTech", a.AboutProactiveTech);
                    Optional(w, "detector", a.Detector);
                    break;
                default:
                    throw new ArgumentException("unknown record type", nameof(record));
            }
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());

        static void Optional(Utf8JsonWriter w, string name, string? value)
        {
            if (value is not null)
            {
                w.WriteString(name, value);
            }
        }
    }

    /// <summary>Reads the record in a chain entry; null when the entry is not a transparency record.</summary>
    /// <exception cref="RecordFormatException">The payload is not a valid version-1 record.</exception>
    public static TransparencyRecord? Read(ChainEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (!RecordKinds.IsTransparency(entry.Kind))
        {
            return null;
        }
        try
        {
            return Parse(entry.Kind, entry.Payload);
        }
        catch (RecordFormatException e)
        {
            throw new RecordFormatException(string.Create(CultureInfo.InvariantCulture, $"record {entry.Sequence} ({entry.Kind}): {e.Message}"));
        }
    }

    /// <summary>Parses one payload of the given kind.</summary>
    public static TransparencyRecord Parse(string kind, string payload)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(payload);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException)
        {
            throw new RecordFormatException("the payload is not valid JSON");
        }
        using (doc)
        {
            var o = new Fields(doc.RootElement);
            int version = o.Int("v");
            if (version != Version)
            {
                throw new RecordFormatException(string.Create(CultureInfo.InvariantCulture, $"payload version {version} is not supported (this build reads version {Version})"));
            }
            string eventId = o.Token("eventId");
            var occurredAt = o.Time("occurredAt");
            TransparencyRecord record = kind switch
            {
                RecordKinds.Detection => new DetectionRecord(eventId, occurredAt, o.Token("itemId"), o.Enum<DetectionType>("type"), o.Enum<DetectionSource>("source"))
                {
                    AccountId = o.OptionalToken("accountId"),
                    Bank = o.OptionalToken("bank"),
                    Category = o.OptionalToken("category"),
                    List = o.OptionalToken("list"),
                    Detector = o.OptionalToken("detector"),
                    DetectorVersion = o.OptionalToken("detectorVersion"),
                    Surface = o.OptionalToken("surface"),
                },
                RecordKinds.Decision => new DecisionRecord(eventId, occurredAt, o.Token("itemId"), o.Token("detectionId"), o.Enum<DecisionOutcome>("outcome"))
                {
                    Detector = o.OptionalToken("detector"),
                    DetectorVersion = o.OptionalToken("detectorVersion"),
                    Reviewer = o.OptionalToken("reviewer"),
                },
                RecordKinds.Action => new ActionRecord(eventId, occurredAt, o.Enum<ActionKind>("action"), o.Bool("automated"))
                {
                    ItemId = o.OptionalToken("itemId"),
                    AccountId = o.OptionalToken("accountId"),
                    TriggerId = o.OptionalToken("triggerId"),
                },
                RecordKinds.Report => new AuthorityReportRecord(eventId, occurredAt, o.Token("itemId"), o.Enum<ReportRecipient>("recipient"), o.Enum<ReportPriority>("priority")),
                RecordKinds.Appeal => new AppealRecord(eventId, occurredAt, o.Token("appealId"), o.Enum<AppealStage>("stage"))
                {
                    ItemId = o.OptionalToken("itemId"),
                    ActionId = o.OptionalToken("actionId"),
                    AboutProactiveTech = o.Bool("aboutProactiveTech"),
                    Detector = o.OptionalToken("detector"),
                },
                _ => throw new RecordFormatException("unknown record kind"),
            };
            Validate(record);
            return record;
        }
    }

    /// <summary>Checks the rules a record must meet beyond its JSON shape.</summary>
    /// <exception cref="RecordFormatException">A rule is broken; the message names it.</exception>
    public static void Validate(TransparencyRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        CheckToken(record.EventId, "eventId");
        switch (record)
        {
            case DetectionRecord d:
                CheckToken(d.ItemId, "itemId");
                if (d.Type == DetectionType.HashMatch && (d.Bank is null || d.Category is null))
                {
                    throw new RecordFormatException("a hash-match detection needs both bank and category");
                }
                if (d.Type == DetectionType.Manual && d.Source == DetectionSource.Proactive)
                {
                    throw new RecordFormatException("a manual detection cannot have source proactive");
                }
                CheckOptional(d.AccountId, "accountId");
                CheckOptional(d.Bank, "bank");
                CheckOptional(d.Category, "category");
                CheckOptional(d.List, "list");
                CheckOptional(d.Detector, "detector");
                CheckOptional(d.DetectorVersion, "detectorVersion");
                CheckOptional(d.Surface, "surface");
                break;
            case DecisionRecord d:
                CheckToken(d.ItemId, "itemId");
                CheckToken(d.DetectionId, "detectionId");
                CheckOptional(d.Detector, "detector");
                CheckOptional(d.DetectorVersion, "detectorVersion");
                CheckOptional(d.Reviewer, "reviewer");
                break;
            case ActionRecord a:
                CheckOptional(a.ItemId, "itemId");
                CheckOptional(a.AccountId, "accountId");
                CheckOptional(a.TriggerId, "triggerId");
                if (IsItemAction(a.Action) && a.ItemId is null)
                {
                    throw new RecordFormatException($"action {RecordNames.Name(a.Action)} needs itemId");
                }
                if (IsAccountAction(a.Action) && a.AccountId is null)
                {
                    throw new RecordFormatException($"action {RecordNames.Name(a.Action)} needs accountId");
                }
                if (a.Action == ActionKind.Reinstated && a.ItemId is null && a.AccountId is null)
                {
                    throw new RecordFormatException("action reinstated needs itemId or accountId");
                }
                break;
            case AuthorityReportRecord r:
                CheckToken(r.ItemId, "itemId");
                break;
            case AppealRecord a:
                CheckToken(a.AppealId, "appealId");
                CheckOptional(a.ItemId, "itemId");
                CheckOptional(a.ActionId, "actionId");
                CheckOptional(a.Detector, "detector");
                break;
            default:
                throw new RecordFormatException("unknown record type");
        }
    }

    /// <summary>Removed, restricted and blocked at upload act on an item.</summary>
    public static bool IsItemAction(ActionKind kind) => kind is ActionKind.Removed or ActionKind.Restricted or ActionKind.BlockedAtUpload;

    /// <summary>Suspension and ban act on an account.</summary>
    public static bool IsAccountAction(ActionKind kind) => kind is ActionKind.AccountSuspended or ActionKind.AccountBanned;

    private static void CheckOptional(string? value, string field)
    {
        if (value is not null)
        {
            CheckToken(value, field);
        }
    }

    private static void CheckToken(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new RecordFormatException($"{field} is empty");
        }
        if (value.Length > MaxTokenLength)
        {
            throw new RecordFormatException(string.Create(CultureInfo.InvariantCulture, $"{field} is longer than {MaxTokenLength} characters"));
        }
        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                throw new RecordFormatException($"{field} contains a control character");
            }
        }
    }

    /// <summary>Typed access to a payload object with errors that name the field.</summary>
    private readonly struct Fields
    {
        private readonly JsonElement _root;

        public Fields(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RecordFormatException("the payload is not a JSON object");
            }
            _root = root;
        }

        public int Int(string name) =>
            Get(name, JsonValueKind.Number).TryGetInt32(out int v) ? v : throw new RecordFormatException($"{name} is not an integer");

        public bool Bool(string name)
        {
            var e = Required(name);
            return e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new RecordFormatException($"{name} is not true or false"),
            };
        }

        public string Token(string name)
        {
            string value = Get(name, JsonValueKind.String).GetString()!;
            CheckToken(value, name);
            return value;
        }

        public string? OptionalToken(string name)
        {
            if (!_root.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            return e.ValueKind == JsonValueKind.String ? e.GetString() : throw new RecordFormatException($"{name} is not a string");
        }

        public DateTimeOffset Time(string name)
        {
            string text = Get(name, JsonValueKind.String).GetString()!;
            return DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                ? t
                : throw new RecordFormatException($"{name} is not a UTC time of the form 2025-01-31T23:59:59.000Z");
        }

        public T Enum<T>(string name)
            where T : struct, Enum
        {
            string text = Get(name, JsonValueKind.String).GetString()!;
            return RecordNames.TryParse<T>(text, out var value)
                ? value
                : throw new RecordFormatException($"{name} must be one of: {string.Join(", ", RecordNames.All<T>())}");
        }

        private JsonElement Required(string name) =>
            _root.TryGetProperty(name, out var e) ? e : throw new RecordFormatException($"{name} is missing");

        private JsonElement Get(string name, JsonValueKind kind)
        {
            var e = Required(name);
            return e.ValueKind == kind ? e : throw new RecordFormatException($"{name} has the wrong JSON type");
        }
    }
}
