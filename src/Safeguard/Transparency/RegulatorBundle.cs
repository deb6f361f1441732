// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>A bundle file that cannot be read; the message names the field.</summary>
public sealed class BundleFormatException(string message) : Exception(message);

/// <summary>The outcome of checking a bundle against records.</summary>
/// <param name="Verified">True when the chain, the head and every figure agree.</param>
/// <param name="Message">One sentence: what was checked, or the first thing that differs.</param>
/// <param name="RecordSequence">The first edited, inserted or deleted record, when one is named.</param>
/// <param name="RecordRangeStart">With a sparse checkpoint list, the first record the change may be in.</param>
/// <param name="FigureId">The first figure that differs, when the records verified but a figure did not.</param>
public sealed record BundleVerification(bool Verified, string Message, long? RecordSequence = null, long? RecordRangeStart = null, string? FigureId = null);

/// <summary>
/// The regulator bundle (format "safeguard.regulator-bundle" version 1; schema in docs/regulator-bundle.schema.json):
/// the exact figures of a period with the chain head they were computed at and hash checkpoints along the chain,
/// so a regulator can later recompute the figures from the records and detect any change to them.
/// </summary>
public static class RegulatorBundle
{
    public const string Format = "safeguard.regulator-bundle";
    public const int Version = 1;

    /// <summary>At most this many checkpoints; up to this many records every record is a checkpoint.</summary>
    public const int MaxCheckpoints = 4096;

    /// <summary>Largest bundle file read, so a hostile file cannot exhaust memory.</summary>
    public const long MaxBundleBytes = 64L * 1024 * 1024;

    /// <summary>Checkpoint spacing for a chain of <paramref name="headSequence"/> records.</summary>
    public static long CheckpointInterval(long headSequence) => Math.Max(1, (headSequence + MaxCheckpoints - 1) / MaxCheckpoints);

    /// <summary>Writes the bundle of <paramref name="report"/>; <paramref name="entries"/> is the chain it was computed from.</summary>
    public static void Write(Stream output, TransparencyReport report, IReadOnlyList<ChainEntry> entries, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count != report.Watermark.Sequence)
        {
            throw new ArgumentException("the entries are not the chain the report was computed from", nameof(entries));
        }
        var display = new FigureDisplay(ReportVariant.Regulator, report.Options);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteNumber("version", Version);
        w.WriteString("generatedAt", HashChain.FormatTime(generatedAt));
        TransparencyJson.WritePeriod(w, "period", report.Period);
        TransparencyJson.WritePeriod(w, "previousPeriod", report.PreviousPeriod);
        TransparencyJson.WriteHead(w, "chainHead", report.Watermark);
        long interval = CheckpointInterval(report.Watermark.Sequence);
        w.WriteNumber("checkpointInterval", interval);
        w.WriteStartArray("checkpoints");
        foreach (var e in entries)
        {
            if (e.Sequence % interval == 0 || e.Sequence == report.Watermark.Sequence)
            {
                w.WriteStartObject();
                w.WriteNumber("sequence", e.Sequence);
                w.WriteString("hash", HashChain.ToHex(e.Hash));
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        w.WriteNumber("recordsRead", report.RecordsRead);
        w.WriteStartObject("options");
        w.WriteNumber("smallCountThreshold", report.Options.SmallCountThreshold);
        w.WriteNumber("ratioDecimals", report.Options.RatioDecimals);
        w.WriteString("percentileMethod", "nearest-rank");
        w.WriteEndObject();
        TransparencyJson.WriteSkipped(w, report.Skipped);
        w.WriteStartArray("figures");
        foreach (var f in report.Figures)
        {
            TransparencyJson.WriteFigure(w, f, display);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>What a bundle says: the period, the head, the checkpoints and the exact figures.</summary>
    public sealed record Contents(ReportPeriod Period, ChainHead Head, IReadOnlyList<ChainHead> Checkpoints, TransparencyOptions Options, IReadOnlyList<Figure> Figures);

    /// <summary>Reads a bundle.</summary>
    /// <exception cref="BundleFormatException">The file is not a valid version-1 bundle.</exception>
    public static Contents Read(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException)
        {
            throw new BundleFormatException("the bundle is not valid JSON");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                throw new BundleFormatException($"the file is not a regulator bundle (format must be \"{Format}\")");
            }
            long version = Long(root, "version", "");
            if (version != Version)
            {
                throw new BundleFormatException(string.Create(CultureInfo.InvariantCulture, $"bundle version {version} is not supported (this build reads version {Version})"));
            }
            var periodElement = Obj(root, "period", "");
            ReportPeriod period;
            try
            {
                period = new ReportPeriod(Time(periodElement, "from", "period."), Time(periodElement, "to", "period."));
            }
            catch (ArgumentException)
            {
                throw new BundleFormatException("period.to must be after period.from");
            }
            var head = Head(Obj(root, "chainHead", ""), "chainHead.");
            var checkpoints = new List<ChainHead>();
            foreach (var c in Arr(root, "checkpoints", ""))
            {
                checkpoints.Add(Head(c, "checkpoints[]."));
            }
            var opts = Obj(root, "options", "");
            var options = new TransparencyOptions
            {
                SmallCountThreshold = (int)Math.Clamp(Long(opts, "smallCountThreshold", "options."), 0, 1_000_000),
                RatioDecimals = (int)Math.Clamp(Long(opts, "ratioDecimals", "options."), 0, 8),
            };
            var figures = new List<Figure>();
            foreach (var f in Arr(root, "figures", ""))
            {
                string id = Str(f, "id", "figures[].");
                string at = $"figure {id}: ";
                var unit = Str(f, "unit", at) switch
                {
                    "count" => FigureUnit.Count,
                    "ratio" => FigureUnit.Ratio,
                    "seconds" => FigureUnit.Seconds,
                    _ => throw new BundleFormatException(at + "unit must be count, ratio or seconds"),
                };
                figures.Add(new Figure(id, Str(f, "section", at), Str(f, "label", at), unit, Str(f, "formula", at),
                    Value(Obj(f, "current", at), unit, at + "current."), Value(Obj(f, "previous", at), unit, at + "previous.")));
            }
            return new Contents(period, head, checkpoints, options, figures);
        }
    }

    /// <summary>
    /// Checks a bundle against the records: the chain up to the bundle's head must verify and end in the
    /// bundle's head hash, every checkpoint must match, and the figures recomputed from those records must equal
    /// the bundle's. Records appended after the head are allowed and ignored.
    /// </summary>
    public static BundleVerification Verify(Contents bundle, IReadOnlyList<ChainEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(entries);
        long headSeq = bundle.Head.Sequence;
        // The first headSeq lines in file order: an inserted or deleted line then shows up as a chain fault.
        var upToHead = entries.Take((int)Math.Min(headSeq, int.MaxValue)).ToList();
        var chain = HashChain.Verify(upToHead);
        if (!chain.IsValid)
        {
            return new BundleVerification(false, ChainIntegrityException.Describe(chain), chain.Sequence);
        }
        if (upToHead.Count < headSeq)
        {
            long missing = upToHead.Count + 1;
            return new BundleVerification(false, string.Create(CultureInfo.InvariantCulture,
                $"record {missing} is missing: the log ends at record {upToHead.Count} but the bundle's head is record {headSeq} (records {missing}..{headSeq} were deleted)"), missing);
        }
        long lastGood = 0;
        foreach (var cp in bundle.Checkpoints.Where(c => c.Sequence >= 1 && c.Sequence <= headSeq).OrderBy(c => c.Sequence).Append(bundle.Head))
        {
            if (cp.Sequence == 0)
            {
                continue;
            }
            var entry = upToHead[(int)(cp.Sequence - 1)];
            if (!CryptographicOperations.FixedTimeEquals(entry.Hash, cp.Hash))
            {
                return lastGood + 1 == cp.Sequence
                    ? new BundleVerification(false, string.Create(CultureInfo.InvariantCulture,
                        $"record {cp.Sequence} was changed: its hash differs from the bundle's (records from there on were re-hashed, or a record was inserted or deleted there)"), cp.Sequence)
                    : new BundleVerification(false, string.Create(CultureInfo.InvariantCulture,
                        $"the records were changed and re-hashed: the chain matches the bundle up to record {lastGood} and differs at checkpoint {cp.Sequence}; the first changed record is between {lastGood + 1} and {cp.Sequence}"),
                        cp.Sequence, lastGood + 1);
            }
            lastGood = cp.Sequence;
        }
        var report = TransparencyEngine.Compute(upToHead, bundle.Period, bundle.Options);
        var recomputed = report.Figures.ToDictionary(f => f.Id, StringComparer.Ordinal);
        foreach (var f in bundle.Figures)
        {
            if (!recomputed.TryGetValue(f.Id, out var mine))
            {
                return new BundleVerification(false, $"figure {f.Id} is in the bundle but the records give no such figure", FigureId: f.Id);
            }
            string? diff = Difference("current", f.Current, mine.Current) ?? Difference("previous", f.Previous, mine.Previous);
            if (diff is not null)
            {
                return new BundleVerification(false, $"figure {f.Id} differs: {diff}", FigureId: f.Id);
            }
            recomputed.Remove(f.Id);
        }
        if (recomputed.Count > 0)
        {
            string id = report.Figures.First(f => recomputed.ContainsKey(f.Id)).Id;
            return new BundleVerification(false, $"figure {id} follows from the records but is missing from the bundle", FigureId: id);
        }
        return new BundleVerification(true, string.Create(CultureInfo.InvariantCulture,
            $"verified: records 1..{headSeq} are intact and end in head {bundle.Head.HashHex}; all {bundle.Figures.Count} figures match the records"));
    }

    private static string? Difference(string which, FigureValue bundle, FigureValue records)
    {
        static string S(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "none";
        if (bundle.Value != records.Value)
        {
            return $"{which} value is {S(bundle.Value)} in the bundle but {S(records.Value)} from the records";
        }
        if (bundle.Numerator != records.Numerator || bundle.Denominator != records.Denominator)
        {
            return $"{which} ratio is {S(bundle.Numerator)}/{S(bundle.Denominator)} in the bundle but {S(records.Numerator)}/{S(records.Denominator)} from the records";
        }
        return bundle.Observations != records.Observations
            ? $"{which} observations are {S(bundle.Observations)} in the bundle but {S(records.Observations)} from the records"
            : null;
    }

    private static FigureValue Value(JsonElement v, FigureUnit unit, string at) => unit switch
    {
        FigureUnit.Count => FigureValue.Count(Long(v, "value", at)),
        FigureUnit.Ratio => FigureValue.Ratio(Long(v, "numerator", at), Long(v, "denominator", at)),
        _ => FigureValue.Seconds(v.TryGetProperty("value", out var s) && s.ValueKind == JsonValueKind.Null ? null : Long(v, "value", at), Long(v, "observations", at)),
    };

    private static ChainHead Head(JsonElement e, string at)
    {
        long seq = Long(e, "sequence", at);
        string hex = Str(e, "hash", at);
        if (seq < 0 || hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
        {
            throw new BundleFormatException(at + "sequence must be ≥ 0 and hash 64 lowercase hex digits");
        }
        return new ChainHead(seq, Convert.FromHexString(hex));
    }

    private static JsonElement Obj(JsonElement e, string name, string at) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : throw new BundleFormatException($"{at}{name} is missing or not an object");

    private static JsonElement.ArrayEnumerator Arr(JsonElement e, string name, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray() : throw new BundleFormatException($"{at}{name} is missing or not an array");

    private static string Str(JsonElement e, string name, string at) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new BundleFormatException($"{at}{name} is missing or not a string");

    private static long Long(JsonElement e, string name, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : throw new BundleFormatException($"{at}{name} is missing or not an integer");

    private static DateTimeOffset Time(JsonElement e, string name, string at) =>
        DateTimeOffset.TryParseExact(Str(e, name, at), "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : throw new BundleFormatException($"{at}{name} is not a UTC time such as 2025-01-01T00:00:00.000Z");
}
