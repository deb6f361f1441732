// SPDX-License-Identifier: Apache-2.0
using System.Text;
using System.Text.Json;
using Safeguard.Cases;

namespace Safeguard.Storage;

/// <summary>
/// The <c>cases.evidence</c> column: JSON format <c>safeguard.case-evidence</c> version 1
/// (docs/formats.md). Field names and order are part of the format.
/// </summary>
public static class CaseEvidenceJson
{
    /// <summary>The version written.</summary>
    public const int Version = 1;

    /// <summary>The stored JSON of <paramref name="evidence"/>.</summary>
    public static string Write(CaseEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("v", Version);
            w.WriteString("thumbnailRef", evidence.ThumbnailRef);
            w.WriteStartObject("hashes");
            foreach (var (kind, value) in evidence.Hashes.OrderBy(h => h.Key, StringComparer.Ordinal))
            {
                w.WriteString(kind, value);
            }
            w.WriteEndObject();
            w.WriteStartArray("matches");
            foreach (var m in evidence.Matches)
            {
                w.WriteStartObject();
                w.WriteString("bank", m.Bank);
                w.WriteNumber("entryId", m.EntryId);
                w.WriteString("kind", m.Kind);
                w.WriteNumber("distance", m.Distance);
                w.WriteStartArray("labels");
                foreach (var l in m.Labels)
                {
                    w.WriteStringValue(l);
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("textHits");
            foreach (var t in evidence.TextHits)
            {
                w.WriteStartObject();
                w.WriteString("rule", t.Rule);
                w.WriteString("term", t.Term);
                w.WriteString("context", t.Context);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("contentRef", evidence.ContentRef);
            w.WriteString("userRef", evidence.UserRef);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads stored evidence; throws <see cref="FormatException"/> for an unknown version.</summary>
    public static CaseEvidence Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (!root.TryGetProperty("v", out var v) || v.GetInt32() != Version)
        {
            throw new FormatException("case evidence of an unknown format version");
        }
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in root.GetProperty("hashes").EnumerateObject())
        {
            hashes[p.Name] = p.Value.GetString() ?? string.Empty;
        }
        var matches = root.GetProperty("matches").EnumerateArray().Select(m => new CaseMatch(
            m.GetProperty("bank").GetString()!, m.GetProperty("entryId").GetInt64(), m.GetProperty("kind").GetString()!, m.GetProperty("distance").GetInt32(),
            [.. m.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!)])).ToList();
        var hits = root.GetProperty("textHits").EnumerateArray().Select(t => new TextHit(
            t.GetProperty("rule").GetString()!, t.GetProperty("term").GetString()!, t.GetProperty("context").GetString()!)).ToList();
        return new CaseEvidence(String(root, "thumbnailRef"), hashes, matches, hits, String(root, "contentRef"), String(root, "userRef"));
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}
