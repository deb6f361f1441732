// SPDX-License-Identifier: Apache-2.0
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Tests.Transparency;

/// <summary>
/// A larger generated history checked against a plain re-implementation of the definitions written here,
/// line by line from docs/transparency.md, sharing no code with the engine.
/// </summary>
public class GeneratedHistoryTests
{
    private static readonly ReportPeriod Q2 = new(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 7, 1, 0, 0, 0, TimeSpan.Zero));

    private static (List<TransparencyRecord> Records, TransparencyReport Report) Build(int seed)
    {
        var records = SampleHistory.Generate(seed, 1500);
        ChainEntry? prev = null;
        var entries = new List<ChainEntry>();
        foreach (var r in records)
        {
            prev = HashChain.Append(prev, r.OccurredAt, r.Kind, RecordCodec.Serialize(r));
            entries.Add(prev);
        }
        return (records, TransparencyEngine.Compute(entries, Q2));
    }

    private static bool In(DateTimeOffset t) => t >= Q2.From && t < Q2.To;

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void CountsByTypeAndSource_MatchOracle(int seed)
    {
        var (records, report) = Build(seed);
        var detections = records.OfType<DetectionRecord>().ToList();
        foreach (var type in Enum.GetValues<DetectionType>())
        {
            long expected = detections.Where(d => d.Type == type).GroupBy(d => d.ItemId).Count(g => In(g.Min(d => d.OccurredAt)));
            Assert.Equal(expected, report.Find($"detections.type.{RecordNames.Name(type)}")!.Current.Value);
        }
        foreach (var source in Enum.GetValues<DetectionSource>())
        {
            long expected = detections.Where(d => d.Source == source).GroupBy(d => d.ItemId).Count(g => In(g.Min(d => d.OccurredAt)));
            Assert.Equal(expected, report.Find($"detections.source.{RecordNames.Name(source)}")!.Current.Value);
        }
        Assert.True(report.Find("detections.items")!.Current.Value > 100, "the generated history is big enough to mean something");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void ReportsByPriority_AndDelays_MatchOracle(int seed)
    {
        var (records, report) = Build(seed);
        var firstDetection = records.OfType<DetectionRecord>().GroupBy(d => d.ItemId).ToDictionary(g => g.Key, g => g.Min(d => d.OccurredAt));
        foreach (var recipient in Enum.GetValues<ReportRecipient>())
        {
            string r = RecordNames.Name(recipient);
            var reports = records.OfType<AuthorityReportRecord>().Where(x => x.Recipient == recipient).ToList();
            foreach (var priority in Enum.GetValues<ReportPriority>())
            {
                Assert.Equal(reports.Count(x => x.Priority == priority && In(x.OccurredAt)), report.Find($"reports.{r}.{RecordNames.Name(priority)}")!.Current.Value);
            }
            var delays = reports.GroupBy(x => x.ItemId).Select(g => g.OrderBy(x => x.OccurredAt).First())
                .Where(x => In(x.OccurredAt))
                .Select(x => (long)Math.Floor((x.OccurredAt - firstDetection[x.ItemId]).TotalSeconds))
                .Order().ToArray();
            Assert.True(delays.Length >= 10, "enough reports to test percentiles");
            Assert.Equal(delays[(int)Math.Ceiling(delays.Length * 0.5) - 1], report.Find($"speed.detection-to-report.{r}.median")!.Current.Value);
            Assert.Equal(delays[(int)Math.Ceiling(delays.Length * 0.9) - 1], report.Find($"speed.detection-to-report.{r}.p90")!.Current.Value);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(11)]
    public void DetectionToAction_AndPrecision_MatchOracle(int seed)
    {
        var (records, report) = Build(seed);
        var firstDetection = records.OfType<DetectionRecord>().GroupBy(d => d.ItemId).ToDictionary(g => g.Key, g => g.Min(d => d.OccurredAt));
        ActionKind[] itemActions = [ActionKind.Removed, ActionKind.Restricted, ActionKind.BlockedAtUpload];
        var firstActions = records.OfType<ActionRecord>().Where(a => itemActions.Contains(a.Action)).GroupBy(a => a.ItemId!)
            .Select(g => g.Min(a => a.OccurredAt) is var t ? (Item: g.Key, At: t) : default)
            .Where(x => In(x.At)).ToList();
        var delays = firstActions.Select(x => (long)Math.Floor((x.At - firstDetection[x.Item]).TotalSeconds)).Order().ToArray();
        Assert.Equal(firstActions.Count, report.Find("actions.items.gross")!.Current.Value);
        Assert.Equal(delays[(int)Math.Ceiling(delays.Length * 0.5) - 1], report.Find("speed.detection-to-action.median")!.Current.Value);
        Assert.Equal(delays[(int)Math.Ceiling(delays.Length * 0.9) - 1], report.Find("speed.detection-to-action.p90")!.Current.Value);

        var detections = records.OfType<DetectionRecord>().ToDictionary(d => d.EventId);
        var decisive = records.OfType<DecisionRecord>().Where(d => d.Outcome != DecisionOutcome.Escalate)
            .GroupBy(d => d.DetectionId).Select(g => g.OrderBy(d => d.OccurredAt).First()).Where(d => In(d.OccurredAt)).ToList();
        foreach (var group in decisive.GroupBy(d => detections[d.DetectionId] is var det && det.Detector is not null ? $"{det.Detector}@{det.DetectorVersion}" : "manual"))
        {
            long confirmed = group.Count(d => d.Outcome == DecisionOutcome.Confirm);
            var rate = report.Find($"precision.{group.Key}.confirm-rate")!.Current;
            Assert.Equal(confirmed, rate.Numerator);
            Assert.Equal(group.Count(), rate.Denominator);
        }
    }
}
