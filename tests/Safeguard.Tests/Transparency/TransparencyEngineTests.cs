// SPDX-License-Identifier: Apache-2.0
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Tests.Transparency;

/// <summary>
/// A small history whose every figure was worked out by hand (the working is in the comments), appended
/// through the file log so the whole path from record to figure is exercised.
/// </summary>
public sealed class TransparencyEngineTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2025, 4, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ReportPeriod Week = new(T, T.AddDays(7));
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-tr-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<TransparencyRecord> HandScenario()
    {
        static DetectionRecord Hash(string id, DateTimeOffset at, string item, string bank, string category) =>
            new(id, at, item, DetectionType.HashMatch, DetectionSource.Proactive) { Bank = bank, Category = category, Detector = "pdq", DetectorVersion = "1" };
        return
        [
            // Previous period [T-7d, T): item i0 detected, confirmed and removed.
            Hash("d0", T.AddDays(-4), "i0", "bank-a", "csam"),
            new DecisionRecord("c0", T.AddDays(-4).AddHours(1), "i0", "d0", DecisionOutcome.Confirm) { Detector = "pdq", DetectorVersion = "1" },
            new ActionRecord("a0", T.AddDays(-4).AddHours(2), ActionKind.Removed, false) { ItemId = "i0" },

            // i9: detected exactly at the period start (included), cleared.
            new DetectionRecord("d9", T, "i9", DetectionType.Url, DetectionSource.Proactive) { Detector = "url-list", DetectorVersion = "7", List = "urls" },
            new DecisionRecord("c9", T.AddMinutes(30), "i9", "d9", DecisionOutcome.Clear),

            // i1: hash match, confirmed, removed, reported to both, then reinstated after a reversed appeal.
            Hash("d1", T.AddHours(1), "i1", "bank-a", "csam"),
            new DecisionRecord("c1", T.AddHours(2), "i1", "d1", DecisionOutcome.Confirm) { Detector = "pdq", DetectorVersion = "1", Reviewer = "r1" },
            new ActionRecord("a1", T.AddHours(3), ActionKind.Removed, false) { ItemId = "i1", TriggerId = "c1" },
            new AuthorityReportRecord("n1", T.AddHours(4), "i1", ReportRecipient.Nca, ReportPriority.P1),
            new AuthorityReportRecord("m1", T.AddHours(5), "i1", ReportRecipient.Ncmec, ReportPriority.P2),
            new AppealRecord("ap1-l", T.AddDays(5), "ap1", AppealStage.Lodged) { ItemId = "i1", ActionId = "a1", AboutProactiveTech = true, Detector = "pdq" },
            new AppealRecord("ap1-o", T.AddDays(6), "ap1", AppealStage.Reversed) { ItemId = "i1", ActionId = "a1", AboutProactiveTech = true },
            new ActionRecord("a1r", T.AddDays(6).AddMinutes(1), ActionKind.Reinstated, false) { ItemId = "i1", TriggerId = "ap1" },

            // i2: hash match in bank-b, cleared; nothing else.
            Hash("d2", T.AddHours(10), "i2", "bank-b", "ncii"),
            new DecisionRecord("c2", T.AddHours(11), "i2", "d2", DecisionOutcome.Clear) { Detector = "pdq" },

            // i3: URL match blocked at upload in the same instant, reported 600 s later; never reviewed.
            new DetectionRecord("d3", T.AddDays(1), "i3", DetectionType.Url, DetectionSource.Proactive) { Detector = "url-list", DetectorVersion = "7" },
            new ActionRecord("a3", T.AddDays(1), ActionKind.BlockedAtUpload, true) { ItemId = "i3", TriggerId = "d3" },
            new AuthorityReportRecord("m3", T.AddDays(1).AddSeconds(600), "i3", ReportRecipient.Ncmec, ReportPriority.P1),

            // Appeal about i0 (previous period's action), decided: upheld.
            new AppealRecord("ap0-l", T.AddDays(1).AddHours(1), "ap0", AppealStage.Lodged) { ItemId = "i0", AboutProactiveTech = true },
            new AppealRecord("ap0-o", T.AddDays(2).AddHours(1), "ap0", AppealStage.Upheld) { ItemId = "i0", AboutProactiveTech = true },

            // i4: a user report first, a keyword hit an hour later; the report is confirmed and the item removed.
            new DetectionRecord("d4", T.AddDays(2), "i4", DetectionType.Manual, DetectionSource.UserReport),
            new DetectionRecord("d4b", T.AddDays(2).AddHours(1), "i4", DetectionType.Keyword, DetectionSource.Proactive) { Detector = "kw-list", DetectorVersion = "3" },
            new DecisionRecord("c4", T.AddDays(2).AddHours(2), "i4", "d4", DecisionOutcome.Confirm),
            new ActionRecord("a4", T.AddDays(2).AddHours(3), ActionKind.Removed, false) { ItemId = "i4" },

            // i5: grooming; escalated, then confirmed; restricted, account suspended, reported to the NCA.
            new DetectionRecord("d5", T.AddDays(3), "i5", DetectionType.Grooming, DetectionSource.Proactive) { AccountId = "acct-5", Detector = "grooming-risk", DetectorVersion = "0.3" },
            new DecisionRecord("c5e", T.AddDays(3).AddHours(1), "i5", "d5", DecisionOutcome.Escalate),
            new DecisionRecord("c5", T.AddDays(3).AddHours(5), "i5", "d5", DecisionOutcome.Confirm) { Detector = "grooming-risk", DetectorVersion = "0.3" },
            new ActionRecord("a5", T.AddDays(3).AddHours(6), ActionKind.Restricted, false) { ItemId = "i5" },
            new ActionRecord("a5s", T.AddDays(3).AddHours(6), ActionKind.AccountSuspended, false) { AccountId = "acct-5" },
            new AuthorityReportRecord("n5", T.AddDays(3).AddHours(8), "i5", ReportRecipient.Nca, ReportPriority.P2),

            // i6: keyword hit never reviewed. i7: removed with no detection at all.
            new DetectionRecord("d6", T.AddDays(4), "i6", DetectionType.Keyword, DetectionSource.Proactive) { Detector = "kw-list", DetectorVersion = "3" },
            new ActionRecord("a7", T.AddDays(4), ActionKind.Removed, false) { ItemId = "i7" },

            // i8: exactly at the period end, so in neither period.
            Hash("d8", T.AddDays(7), "i8", "bank-a", "csam"),
        ];
    }

    private async Task<TransparencyReport> ComputeAsync(IEnumerable<TransparencyRecord> records, ReportPeriod period)
    {
        using var log = new JsonLinesRecordLog(Path.Combine(_dir, "records.jsonl"));
        foreach (var r in records)
        {
            await log.AppendRecordAsync(r, r.OccurredAt.AddSeconds(1), TestContext.Current.CancellationToken);
        }
        return await TransparencyEngine.ComputeAsync(log, period, cancellationToken: TestContext.Current.CancellationToken);
    }

    private static long Count(TransparencyReport r, string id, bool previous = false)
    {
        var f = r.Find(id) ?? throw new Xunit.Sdk.XunitException($"no figure {id}");
        Assert.Equal(FigureUnit.Count, f.Unit);
        return (previous ? f.Previous : f.Current).Value!.Value;
    }

    private static (long, long) Ratio(TransparencyReport r, string id, bool previous = false)
    {
        var f = r.Find(id) ?? throw new Xunit.Sdk.XunitException($"no figure {id}");
        var v = previous ? f.Previous : f.Current;
        return (v.Numerator!.Value, v.Denominator!.Value);
    }

    private static (long?, long) Seconds(TransparencyReport r, string id)
    {
        var f = r.Find(id) ?? throw new Xunit.Sdk.XunitException($"no figure {id}");
        return (f.Current.Value, f.Current.Observations!.Value);
    }

    [Fact]
    public async Task Detections_ByTypeSourceAndBank_MatchHandCount()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        // First detections in [T, T+7d): i9, i1, i2, i3, i4, i5, i6 (i0 is earlier, i8 at the end is excluded).
        Assert.Equal(7, Count(r, "detections.items"));
        Assert.Equal(1, Count(r, "detections.items", previous: true));
        Assert.Equal(2, Count(r, "detections.type.hash-match"));   // i1, i2
        Assert.Equal(2, Count(r, "detections.type.url"));          // i9, i3
        Assert.Equal(2, Count(r, "detections.type.keyword"));      // i4 (d4b), i6
        Assert.Equal(1, Count(r, "detections.type.grooming"));     // i5
        Assert.Equal(0, Count(r, "detections.type.classifier"));
        Assert.Equal(1, Count(r, "detections.type.manual"));       // i4 (d4)
        Assert.Equal(1, Count(r, "detections.hash.bank-a.csam"));  // i1
        Assert.Equal(1, Count(r, "detections.hash.bank-a.csam", previous: true)); // i0
        Assert.Equal(1, Count(r, "detections.hash.bank-b.ncii"));  // i2
        Assert.Equal(7, Count(r, "detections.source.proactive"));  // i9, i1, i2, i3, i4 (d4b), i5, i6
        Assert.Equal(1, Count(r, "detections.source.user-report"));
        Assert.Equal(0, Count(r, "detections.source.staff"));
        Assert.Equal(8, Count(r, "detections.records"));           // d9 d1 d2 d3 d4 d4b d5 d6
        // (7 - 1) / 1
        Assert.Equal(new Rational(6, 1), r.Find("detections.items")!.Change);
    }

    [Fact]
    public async Task Actions_MatchHandCount()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        Assert.Equal(5, Count(r, "actions.items.gross"));        // i1, i3, i4, i5, i7
        Assert.Equal(1, Count(r, "actions.items.reinstated"));   // i1 on day 6
        Assert.Equal(4, Count(r, "actions.items"));
        Assert.Equal(1, Count(r, "actions.items.blocked-at-upload"));
        Assert.Equal(3, Count(r, "actions.kind.removed"));       // a1, a4, a7
        Assert.Equal(1, Count(r, "actions.kind.restricted"));
        Assert.Equal(1, Count(r, "actions.kind.account-suspended"));
        Assert.Equal(1, Count(r, "actions.kind.reinstated"));
        Assert.Equal(1, Count(r, "actions.automated"));          // the block at upload
        Assert.Equal(5, Count(r, "actions.manual"));             // a1 a4 a5 a5s a7
        Assert.Equal(1, Count(r, "actions.accounts"));
        // First detection proactive: i1, i3, i5; not i4 (user report first) nor i7 (no detection).
        Assert.Equal((3L, 5L), Ratio(r, "actions.proactive-share"));
        Assert.Equal(1, Count(r, "actions.items", previous: true));
    }

    [Fact]
    public async Task Speed_NearestRankMedianAndP90_MatchHandComputation()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        // i1 7200 s, i3 0 s, i4 10800 s (from the user report), i5 21600 s; sorted 0, 7200, 10800, 21600.
        // median rank ceil(0.5*4)=2 → 7200; p90 rank ceil(0.9*4)=4 → 21600. i7 has no detection.
        Assert.Equal((7200L, 4L), Seconds(r, "speed.detection-to-action.median"));
        Assert.Equal((21600L, 4L), Seconds(r, "speed.detection-to-action.p90"));
        Assert.Equal(1, Count(r, "speed.detection-to-action.no-detection"));
        // NCMEC: i3 600 s, i1 14400 s → median rank 1 = 600, p90 rank ceil(1.8)=2 = 14400.
        Assert.Equal((600L, 2L), Seconds(r, "speed.detection-to-report.ncmec.median"));
        Assert.Equal((14400L, 2L), Seconds(r, "speed.detection-to-report.ncmec.p90"));
        Assert.Equal((600L, 1L), Seconds(r, "speed.detection-to-report.ncmec.P1.median"));
        Assert.Equal((14400L, 1L), Seconds(r, "speed.detection-to-report.ncmec.P2.p90"));
        Assert.Equal(((long?)null, 0L), Seconds(r, "speed.detection-to-report.ncmec.P3.median"));
        // NCA: i1 10800 s (P1), i5 28800 s (P2).
        Assert.Equal((10800L, 2L), Seconds(r, "speed.detection-to-report.nca.median"));
        Assert.Equal((28800L, 2L), Seconds(r, "speed.detection-to-report.nca.p90"));
    }

    [Fact]
    public async Task Reports_ByRecipientAndPriority_MatchHandCount()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        Assert.Equal(2, Count(r, "reports.ncmec"));
        Assert.Equal(1, Count(r, "reports.ncmec.P1"));
        Assert.Equal(1, Count(r, "reports.ncmec.P2"));
        Assert.Equal(0, Count(r, "reports.ncmec.P3"));
        Assert.Equal(2, Count(r, "reports.nca"));
        Assert.Equal(1, Count(r, "reports.nca.P1"));
        Assert.Equal(1, Count(r, "reports.nca.P2"));
    }

    [Fact]
    public async Task Precision_PerDetector_MatchHandCount()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        var detectors = r.Figures.Where(f => f.Id.EndsWith(".confirm-rate", StringComparison.Ordinal)).Select(f => f.Id).ToList();
        Assert.Equal(["precision.grooming-risk@0.3.confirm-rate", "precision.kw-list@3.confirm-rate", "precision.manual.confirm-rate", "precision.pdq@1.confirm-rate", "precision.url-list@7.confirm-rate"], detectors);
        Assert.Equal((1L, 2L), Ratio(r, "precision.pdq@1.confirm-rate"));   // d1 confirmed, d2 cleared
        Assert.Equal((1L, 2L), Ratio(r, "precision.pdq@1.clear-rate"));
        Assert.Equal((1L, 1L), Ratio(r, "precision.pdq@1.confirm-rate", previous: true)); // d0
        Assert.Equal((0L, 1L), Ratio(r, "precision.url-list@7.confirm-rate")); // d9 cleared
        Assert.Equal(1, Count(r, "precision.url-list@7.unreviewed"));          // d3
        Assert.Equal(2, Count(r, "precision.kw-list@3.unreviewed"));           // d4b, d6
        Assert.Equal((0L, 0L), Ratio(r, "precision.kw-list@3.confirm-rate"));
        Assert.Null(r.Find("precision.kw-list@3.confirm-rate")!.Current.AsRational);
        Assert.Equal((1L, 1L), Ratio(r, "precision.grooming-risk@0.3.confirm-rate"));
        Assert.Equal(1, Count(r, "precision.grooming-risk@0.3.escalated"));
        Assert.Equal((1L, 1L), Ratio(r, "precision.manual.confirm-rate"));     // d4 (user report) confirmed
    }

    [Fact]
    public async Task Appeals_MatchHandCount()
    {
        var r = await ComputeAsync(HandScenario(), Week);
        Assert.Equal(2, Count(r, "appeals.lodged"));
        Assert.Equal(1, Count(r, "appeals.upheld"));
        Assert.Equal(1, Count(r, "appeals.reversed"));
        Assert.Equal((1L, 2L), Ratio(r, "appeals.overturn-rate"));
        Assert.Equal((1L, 2L), Ratio(r, "appeals.proactive.overturn-rate"));
        Assert.Equal((86400L, 2L), Seconds(r, "appeals.time-to-outcome.median"));
    }

    [Fact]
    public async Task LateRecordedEvent_CountsInThePeriodItOccurred()
    {
        var records = HandScenario();
        // Recorded (appended) last, but occurred inside the period: it counts, and "first" follows occurredAt.
        records.Add(new DetectionRecord("late", T.AddHours(-1).AddDays(1), "i3", DetectionType.Manual, DetectionSource.Staff));
        var r = await ComputeAsync(records, Week);
        Assert.Equal(1, Count(r, "detections.source.staff"));
        Assert.Equal(7, Count(r, "detections.items"));
    }

    [Fact]
    public async Task RepeatedEventId_CountsOnceAndIsListed()
    {
        var records = HandScenario();
        records.Add(new AuthorityReportRecord("m3", T.AddDays(1).AddSeconds(600), "i3", ReportRecipient.Ncmec, ReportPriority.P1));
        var r = await ComputeAsync(records, Week);
        Assert.Equal(2, Count(r, "reports.ncmec"));
        var skipped = Assert.Single(r.Skipped);
        Assert.Equal(records.Count, skipped.Sequence);
        Assert.Contains("repeats record", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_EditedChain_Throws()
    {
        ChainEntry? prev = null;
        var entries = new List<ChainEntry>();
        foreach (var r in HandScenario())
        {
            prev = HashChain.Append(prev, r.OccurredAt, r.Kind, RecordCodec.Serialize(r));
            entries.Add(prev);
        }
        entries[4] = entries[4] with { Payload = entries[4].Payload.Replace("\"clear\"", "\"confirm\"", StringComparison.Ordinal) };
        var e = Assert.Throws<ChainIntegrityException>(() => TransparencyEngine.Compute(entries, Week));
        Assert.Contains("record 5 was edited", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new long[] { 5 }, 50, 5)]
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 50, 5)]   // rank ceil(5) = 5
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 90, 9)]   // rank ceil(9) = 9
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 50, 6)] // rank ceil(5.5) = 6
    [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }, 90, 10)] // rank ceil(9.9) = 10
    [InlineData(new long[] { 10, 20 }, 50, 10)]                          // lower middle value
    [InlineData(new long[] { 10, 20 }, 90, 20)]
    public void NearestRank_MatchesDefinition(long[] sorted, int percent, long expected) =>
        Assert.Equal(expected, Percentile.NearestRank(sorted, percent));
}
