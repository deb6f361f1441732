// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Safeguard.Transparency;

/// <summary>
/// A synthetic, deterministic record history for trying the reports and for screenshots: fictional item and
/// account ids, no content. Two quarters of 2025 (January–June), so a report for April–June has a previous period.
/// </summary>
public static class SampleHistory
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The records of <paramref name="items"/> fictional items, ordered by occurredAt.</summary>
    public static List<TransparencyRecord> Generate(int seed, int items)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(items, 1);
#pragma warning disable CA5394 // Synthetic data, not security: a seeded generator keeps the sample reproducible.
        var random = new Random(seed);
        var records = new List<TransparencyRecord>();
        int next = 0;
        string Id(string prefix) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{++next:D7}");
        long span = (long)(End - Start).TotalSeconds;
        for (int i = 0; i < items; i++)
        {
            string item = string.Create(CultureInfo.InvariantCulture, $"item-{i:D6}");
            string account = string.Create(CultureInfo.InvariantCulture, $"acct-{random.Next(items / 3 + 1):D6}");
            var t = Start.AddSeconds(random.NextInt64(span - (40 * 86_400)));
            double roll = random.NextDouble();
            var (type, source, detector, version, confirmRate) = roll switch
            {
                < 0.45 => (DetectionType.HashMatch, DetectionSource.Proactive, "pdq", "1", 0.93),
                < 0.58 => (DetectionType.Url, DetectionSource.Proactive, "url-list", "2025.1", 0.8),
                < 0.68 => (DetectionType.Keyword, DetectionSource.Proactive, "keyword-list", "2025.1", 0.45),
                < 0.78 => (DetectionType.Grooming, DetectionSource.Proactive, "grooming-risk", "0.3", 0.6),
                < 0.95 => (DetectionType.Manual, DetectionSource.UserReport, (string?)null, (string?)null, 0.5),
                _ => (DetectionType.Manual, DetectionSource.Staff, null, null, 0.8),
            };
            bool hash = type == DetectionType.HashMatch;
            var detection = new DetectionRecord(Id("det"), t, item, type, source)
            {
                AccountId = account,
                Bank = hash ? (random.NextDouble() < 0.6 ? "bank-a" : "bank-b") : null,
                Category = hash ? (random.NextDouble() < 0.85 ? "csam" : "ncii") : null,
                List = type is DetectionType.Url or DetectionType.Keyword ? "list-" + version : null,
                Detector = detector,
                DetectorVersion = version,
            };
            records.Add(detection);
            bool blocked = hash && random.NextDouble() < 0.3;
            if (blocked)
            {
                records.Add(new ActionRecord(Id("act"), t, ActionKind.BlockedAtUpload, Automated: true) { ItemId = item, TriggerId = detection.EventId });
            }
            if (random.NextDouble() < 0.08)
            {
                continue;
            }
            var decidedAt = t.AddSeconds(300 + random.Next(48 * 3600));
            if (random.NextDouble() < 0.05)
            {
                records.Add(new DecisionRecord(Id("dec"), decidedAt, item, detection.EventId, DecisionOutcome.Escalate) { Detector = detector, DetectorVersion = version, Reviewer = "rev-1" });
                decidedAt = decidedAt.AddSeconds(3600 + random.Next(24 * 3600));
            }
            bool confirmed = random.NextDouble() < confirmRate;
            var decision = new DecisionRecord(Id("dec"), decidedAt, item, detection.EventId, confirmed ? DecisionOutcome.Confirm : DecisionOutcome.Clear)
            {
                Detector = detector,
                DetectorVersion = version,
                Reviewer = "rev-" + random.Next(1, 6).ToString(CultureInfo.InvariantCulture),
            };
            records.Add(decision);
            if (!confirmed)
            {
                continue;
            }
            var actedAt = decidedAt.AddSeconds(random.Next(5, 600));
            string? actionId = null;
            if (!blocked)
            {
                var action = new ActionRecord(Id("act"), actedAt, type == DetectionType.Grooming ? ActionKind.Restricted : ActionKind.Removed, Automated: false) { ItemId = item, TriggerId = decision.EventId };
                actionId = action.EventId;
                records.Add(action);
            }
            if (type == DetectionType.Grooming || random.NextDouble() < 0.1)
            {
                records.Add(new ActionRecord(Id("act"), actedAt.AddSeconds(30), random.NextDouble() < 0.5 ? ActionKind.AccountSuspended : ActionKind.AccountBanned, Automated: false) { AccountId = account, TriggerId = decision.EventId });
            }
            if (hash && detection.Category == "csam" || type == DetectionType.Url && random.NextDouble() < 0.5)
            {
                var priority = random.NextDouble() switch { < 0.15 => ReportPriority.P1, < 0.6 => ReportPriority.P2, _ => ReportPriority.P3 };
                records.Add(new AuthorityReportRecord(Id("rep"), actedAt.AddSeconds(600 + random.Next(72 * 3600)), item, ReportRecipient.Ncmec, priority));
            }
            if (type == DetectionType.Grooming || (hash && random.NextDouble() < 0.2))
            {
                var priority = type == DetectionType.Grooming && random.NextDouble() < 0.4 ? ReportPriority.P1 : random.NextDouble() < 0.5 ? ReportPriority.P2 : ReportPriority.P3;
                records.Add(new AuthorityReportRecord(Id("rep"), actedAt.AddSeconds(300 + random.Next(24 * 3600)), item, ReportRecipient.Nca, priority));
            }
            if (actionId is not null && random.NextDouble() < 0.12)
            {
                string appeal = Id("appeal");
                bool proactive = source == DetectionSource.Proactive;
                var lodgedAt = actedAt.AddSeconds(86_400 + random.Next(9 * 86_400));
                records.Add(new AppealRecord(Id("apl"), lodgedAt, appeal, AppealStage.Lodged) { ItemId = item, ActionId = actionId, AboutProactiveTech = proactive, Detector = detector });
                var decided = lodgedAt.AddSeconds(3600 + random.Next(20 * 86_400));
                bool reversed = random.NextDouble() < 0.2;
                records.Add(new AppealRecord(Id("apl"), decided, appeal, reversed ? AppealStage.Reversed : AppealStage.Upheld) { ItemId = item, ActionId = actionId, AboutProactiveTech = proactive, Detector = detector });
                if (reversed)
                {
                    records.Add(new ActionRecord(Id("act"), decided.AddSeconds(60), ActionKind.Reinstated, Automated: false) { ItemId = item, TriggerId = appeal });
                }
            }
        }
#pragma warning restore CA5394
        return [.. records.OrderBy(r => r.OccurredAt).ThenBy(r => r.EventId, StringComparer.Ordinal)];
    }

    /// <summary>Appends a generated history to <paramref name="log"/>, each recorded two seconds after it occurred.</summary>
    public static async Task<long> WriteAsync(IRecordLog log, int seed, int items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        long n = 0;
        foreach (var record in Generate(seed, items))
        {
            await log.AppendRecordAsync(record, record.OccurredAt.AddSeconds(2), cancellationToken).ConfigureAwait(false);
            n++;
        }
        return n;
    }
}
