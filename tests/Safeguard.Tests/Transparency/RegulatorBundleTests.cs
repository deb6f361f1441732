// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Tests.Transparency;

/// <summary>Regulator bundles: export, verification, and detection of every kind of change.</summary>
public class RegulatorBundleTests
{
    private static readonly ReportPeriod Q2 = new(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));

    private static List<ChainEntry> Chain(IEnumerable<TransparencyRecord> records)
    {
        ChainEntry? prev = null;
        var entries = new List<ChainEntry>();
        foreach (var r in records)
        {
            prev = HashChain.Append(prev, r.OccurredAt.AddSeconds(2), r.Kind, RecordCodec.Serialize(r));
            entries.Add(prev);
        }
        return entries;
    }

    private static string BundleJson(List<ChainEntry> entries)
    {
        var report = TransparencyEngine.Compute(entries, Q2);
        using var stream = new MemoryStream();
        RegulatorBundle.Write(stream, report, entries, new DateTimeOffset(2025, 7, 2, 9, 0, 0, TimeSpan.Zero));
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static BundleVerification Verify(string bundleJson, List<ChainEntry> entries) =>
        RegulatorBundle.Verify(RegulatorBundle.Read(new MemoryStream(Encoding.UTF8.GetBytes(bundleJson))), entries);

    /// <summary>Rewrites records from <paramref name="from"/> on so that each is self-consistent and linked: a careful forger.</summary>
    private static List<ChainEntry> Rehash(List<ChainEntry> entries, int from)
    {
        var result = entries.Take(from).ToList();
        for (int i = from; i < entries.Count; i++)
        {
            var e = entries[i];
            result.Add(HashChain.Append(result.Count == 0 ? null : result[^1], e.Time, e.Kind, e.Payload));
        }
        return result;
    }

    [Fact]
    public void IntactRecords_Verify_AndLaterAppendsAreAllowed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        var ok = Verify(bundle, entries);
        Assert.True(ok.Verified, ok.Message);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"records 1..{entries.Count} are intact"), ok.Message, StringComparison.Ordinal);

        var grown = entries.ToList();
        grown.Add(HashChain.Append(grown[^1], Q2.To, "audit.note", "later"));
        Assert.True(Verify(bundle, grown).Verified);
    }

    [Fact]
    public void EditedRecord_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        entries[49] = entries[49] with { Payload = entries[49].Payload.Replace("\"v\":1", "\"v\":1 ", StringComparison.Ordinal) };
        var result = Verify(bundle, entries);
        Assert.False(result.Verified);
        Assert.Equal(50, result.RecordSequence);
        Assert.Contains("record 50 was edited", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletedRecord_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        entries.RemoveAt(49);
        var result = Verify(bundle, entries);
        Assert.False(result.Verified);
        Assert.Equal(50, result.RecordSequence);
        Assert.Contains("record 50 is missing", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeletedTail_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        int count = entries.Count;
        entries.RemoveRange(count - 3, 3);
        var result = Verify(bundle, entries);
        Assert.False(result.Verified);
        Assert.Equal(count - 2, result.RecordSequence);
    }

    [Fact]
    public void EditedAndRehashedChain_IsCaughtByCheckpoints_AndNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        var forged = entries.ToList();
        forged[79] = forged[79] with { Payload = forged[79].Payload.Replace("\"v\":1", "\"v\":1 ", StringComparison.Ordinal) };
        forged = Rehash(forged, 79);
        Assert.True(HashChain.Verify(forged).IsValid, "the forger made a self-consistent chain");
        var result = Verify(bundle, forged);
        Assert.False(result.Verified);
        Assert.Equal(80, result.RecordSequence);
        Assert.Contains("record 80 was changed", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InsertedAndRehashedRecord_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        string bundle = BundleJson(entries);
        var forged = entries.Take(30).ToList();
        forged.Add(entries[29] with { Kind = "audit.note", Payload = "inserted" });
        forged.AddRange(entries.Skip(30));
        forged = Rehash(forged, 30);
        var result = Verify(bundle, forged);
        Assert.False(result.Verified);
        Assert.Equal(31, result.RecordSequence);
    }

    [Fact]
    public void LongChain_SparseCheckpoints_NameTheRange()
    {
        // 5,000 entries → interval ceil(5000 / 4096) = 2: checkpoints at even sequences.
        var entries = new List<ChainEntry>();
        ChainEntry? prev = null;
        for (int i = 0; i < 5000; i++)
        {
            prev = HashChain.Append(prev, Q2.From.AddMinutes(i), "audit.note", i.ToString(CultureInfo.InvariantCulture));
            entries.Add(prev);
        }
        string bundle = BundleJson(entries);
        Assert.Equal(2, JsonNode.Parse(bundle)!["checkpointInterval"]!.GetValue<long>());
        var forged = entries.ToList();
        forged[100] = forged[100] with { Payload = "changed" }; // record 101
        var result = Verify(bundle, Rehash(forged, 100));
        Assert.False(result.Verified);
        Assert.Equal(102, result.RecordSequence);
        Assert.Equal(101, result.RecordRangeStart);
        Assert.Contains("between 101 and 102", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EditedFigureInBundle_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        var bundle = JsonNode.Parse(BundleJson(entries))!;
        var figure = bundle["figures"]!.AsArray().Single(f => (string)f!["id"]! == "reports.ncmec")!;
        long value = figure["current"]!["value"]!.GetValue<long>();
        figure["current"]!["value"] = value + 1;
        var result = Verify(bundle.ToJsonString(), entries);
        Assert.False(result.Verified);
        Assert.Equal("reports.ncmec", result.FigureId);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"{value + 1} in the bundle but {value} from the records"), result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemovedFigureInBundle_IsNamed()
    {
        var entries = Chain(SampleHistory.Generate(5, 200));
        var bundle = JsonNode.Parse(BundleJson(entries))!;
        var figures = bundle["figures"]!.AsArray();
        figures.RemoveAt(3);
        var result = Verify(bundle.ToJsonString(), entries);
        Assert.False(result.Verified);
        Assert.Contains("missing from the bundle", result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}", "not a regulator bundle")]
    [InlineData("[", "not valid JSON")]
    [InlineData("""{"format":"safeguard.regulator-bundle","version":2}""", "version 2 is not supported")]
    [InlineData("""{"format":"safeguard.regulator-bundle","version":1,"period":{"from":"2025-01-01T00:00:00.000Z","to":"2024-01-01T00:00:00.000Z"}}""", "period.to must be after")]
    public void BadBundle_IsRefusedWithAReason(string json, string expected)
    {
        var e = Assert.Throws<BundleFormatException>(() => RegulatorBundle.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bundle_ConformsToThePublishedSchema()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "data", "schemas", "regulator-bundle.schema.json")))!;
        var bundle = JsonNode.Parse(BundleJson(Chain(SampleHistory.Generate(5, 200))))!;
        var errors = new List<string>();
        SchemaCheck.Validate(schema, schema, bundle, "$", errors);
        Assert.Empty(errors);

        // The checker itself catches a departure from the schema.
        bundle["chainHead"]!["hash"] = "XYZ";
        bundle["extra"] = 1;
        var broken = new List<string>();
        SchemaCheck.Validate(schema, schema, bundle, "$", broken);
        Assert.Contains(broken, e => e.Contains("$.chainHead.hash", StringComparison.Ordinal));
        Assert.Contains(broken, e => e.Contains("$.extra", StringComparison.Ordinal));
    }

    /// <summary>The subset of JSON Schema 2020-12 the bundle schema uses.</summary>
    private static class SchemaCheck
    {
        public static void Validate(JsonNode root, JsonNode schema, JsonNode? value, string path, List<string> errors)
        {
            if (schema["$ref"] is JsonNode r)
            {
                string name = ((string)r!)["#/$defs/".Length..];
                Validate(root, root["$defs"]![name]!, value, path, errors);
            }
            if (schema["const"] is JsonNode c && !JsonNode.DeepEquals(c, value))
            {
                errors.Add($"{path}: not the constant {c.ToJsonString()}");
            }
            if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, value)))
            {
                errors.Add($"{path}: not one of the allowed values");
            }
            if (schema["type"] is JsonNode type)
            {
                var types = type is JsonArray a ? a.Select(t => (string)t!).ToList() : [(string)type!];
                if (!types.Any(t => Is(t, value)))
                {
                    errors.Add($"{path}: not of type {string.Join("/", types)}");
                    return;
                }
            }
            if (value is JsonObject obj)
            {
                foreach (var req in schema["required"]?.AsArray() ?? [])
                {
                    if (!obj.ContainsKey((string)req!))
                    {
                        errors.Add($"{path}.{(string)req!}: required");
                    }
                }
                var props = schema["properties"]?.AsObject();
                foreach (var (key, child) in obj)
                {
                    if (props is not null && props.TryGetPropertyValue(key, out var sub))
                    {
                        Validate(root, sub!, child, $"{path}.{key}", errors);
                    }
                    else if (schema["additionalProperties"] is JsonNode ap && ap.GetValueKind() == JsonValueKind.False)
                    {
                        errors.Add($"{path}.{key}: not allowed");
                    }
                }
            }
            if (value is JsonArray arr && schema["items"] is JsonNode items)
            {
                for (int i = 0; i < arr.Count; i++)
                {
                    Validate(root, items, arr[i], $"{path}[{i}]", errors);
                }
            }
            if (schema["pattern"] is JsonNode pattern && value is JsonValue sv && sv.GetValueKind() == JsonValueKind.String
                && !Regex.IsMatch((string)sv!, (string)pattern!, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add($"{path}: does not match {(string)pattern!}");
            }
            if (schema["minimum"] is JsonNode min && value is JsonValue nv && nv.GetValueKind() == JsonValueKind.Number && (double)nv < (double)min)
            {
                errors.Add($"{path}: below minimum");
            }
        }

        private static bool Is(string type, JsonNode? v) => type switch
        {
            "null" => v is null,
            "object" => v is JsonObject,
            "array" => v is JsonArray,
            "string" => v is JsonValue s && s.GetValueKind() == JsonValueKind.String,
            "number" => v is JsonValue n && n.GetValueKind() == JsonValueKind.Number,
            "integer" => v is JsonValue i && i.GetValueKind() == JsonValueKind.Number && (double)i == Math.Floor((double)i),
            "boolean" => v is JsonValue b && b.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            _ => false,
        };
    }
}
