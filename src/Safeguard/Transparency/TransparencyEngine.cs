// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Safeguard.Records;

namespace Safeguard.Transparency;

/// <summary>A record that the figures leave out, and why (never its content).</summary>
public sealed record SkippedRecord(long Sequence, string Reason);

/// <summary>A chain that failed verification; figures are never computed from it.</summary>
public sealed class ChainIntegrityException(ChainVerification verification)
    : Exception(Describe(verification))
{
    public ChainVerification Verification { get; } = verification;

    /// <summary>A sentence naming the first fault.</summary>
    public static string Describe(ChainVerification v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Fault switch
        {
            ChainFault.None => "the chain verified",
            ChainFault.Edited => string.Create(CultureInfo.InvariantCulture, $"record {v.Sequence} was edited: its content no longer matches its hash"),
            ChainFault.Deleted => string.Create(CultureInfo.InvariantCulture, $"record {v.Sequence} is missing: it was deleted"),
            ChainFault.Inserted => string.Create(CultureInfo.InvariantCulture, $"record {v.Sequence} was inserted or its predecessor removed: it does not link to the record before it"),
            _ => "the chain did not verify",
        };
    }
}

/// <summary>
/// Computes transparency figures from hash-chained records (definitions in docs/transparency.md and
/// specs/transparency.md §1.3). Every figure is derived from records; nothing is entered by hand.
/// </summary>
public static class TransparencyEngine
{
    private const string Manual = "manual";

    /// <summary>
    /// Verifies <paramref name="entries"/> (the whole chain from sequence 1, in order) and computes the report.
    /// </summary>
    /// <exception cref="ChainIntegrityException">The chain does not verify.</exception>
    public static TransparencyReport Compute(IReadOnlyList<ChainEntry> entries, ReportPeriod period, TransparencyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(period);
        options ??= new TransparencyOptions();
        options.Validate();
        var verification = HashChain.Verify(entries);
        if (!verification.IsValid)
        {
            throw new ChainIntegrityException(verification);
        }
        var head = entries.Count == 0 ? ChainHead.Empty : ChainHead.Of(entries[^1]);
        var set = RecordSet.Load(entries);
        var previous = period.Previous;
        var keys = DynamicKeys.Collect(set, period, previous);
        var current = ComputePeriod(set, period, keys);
        var before = ComputePeriod(set, previous, keys);
        var figures = new List<Figure>(current.Count);
        for (int i = 0; i < current.Count; i++)
        {
            var c = current[i];
            figures.Add(new Figure(c.Id, c.Section, c.Label, c.Unit, c.Formula, c.Value, before[i].Value));
        }
        return new TransparencyReport(period, head, set.RecordCount, options, figures) { Skipped = set.Skipped };
    }

    /// <summary>Reads the whole log, verifies it and computes the report.</summary>
    public static async Task<TransparencyReport> ComputeAsync(IRecordLog log, ReportPeriod period, TransparencyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        var entries = await log.ReadAllAsync(long.MaxValue, cancellationToken).ConfigureAwait(false);
        return Compute(entries, period, options);
    }

    private sealed record PeriodFigure(string Id, string Section, string Label, FigureUnit Unit, string Formula, FigureValue Value);

    private static List<PeriodFigure> ComputePeriod(RecordSet set, ReportPeriod p, DynamicKeys keys)
    {
        var list = new List<PeriodFigure>();
        void Add(string id, string section, string label, FigureUnit unit, string formula, FigureValue value) =>
            list.Add(new PeriodFigure(id, section, label, unit, formula, value));

        // Detections: an item counts once per key, in the period of its first detection with that key.
        const string Det = "detections";
        Add("detections.items", Det, "Items detected (all sources)", FigureUnit.Count,
            "count of distinct items whose first detection of any type and source occurredAt is in the period",
            FigureValue.Count(CountIn(set.FirstDetectionByItem.Values, p)));
        foreach (var type in Enum.GetValues<DetectionType>())
        {
            string name = RecordNames.Name(type);
            Add($"detections.type.{name}", Det, $"Items detected by type: {name}", FigureUnit.Count,
                $"count of distinct items whose first detection with type={name} occurredAt is in the period",
                FigureValue.Count(CountIn(set.FirstByItemType, k => k.Type == type, p)));
        }
        foreach (var (bank, category) in keys.BankCategories)
        {
            Add($"detections.hash.{bank}.{category}", Det, $"Hash matches: bank {bank}, category {category}", FigureUnit.Count,
                $"count of distinct items whose first hash-match detection with bank={bank} and category={category} occurredAt is in the period",
                FigureValue.Count(CountIn(set.FirstByItemBankCategory, k => k.Bank == bank && k.Category == category, p)));
        }
        foreach (var source in Enum.GetValues<DetectionSource>())
        {
            string name = RecordNames.Name(source);
            Add($"detections.source.{name}", Det, $"Items detected by source: {name}", FigureUnit.Count,
                $"count of distinct items whose first detection with source={name} occurredAt is in the period",
                FigureValue.Count(CountIn(set.FirstByItemSource, k => k.Source == source, p)));
        }
        Add("detections.records", Det, "Detection records", FigureUnit.Count,
            "count of detection records whose occurredAt is in the period",
            FigureValue.Count(set.Detections.Count(d => p.Contains(d.Record.OccurredAt))));

        // Actions on items: decisive event is the item's first item action.
        const string Act = "actions";
        var firstActions = set.FirstItemAction.Where(kv => p.Contains(kv.Value.OccurredAt)).ToList();
        long reinstated = firstActions.Count(kv =>
            set.ReinstatedByItem.TryGetValue(kv.Key, out var times) && times.Any(t => p.Contains(t) && t >= kv.Value.OccurredAt));
        Add("actions.items", Act, "Items actioned (net of reinstatements in the period)", FigureUnit.Count,
            "count of distinct items whose first removed/restricted/blocked-at-upload action occurredAt is in the period, minus those of them reinstated later in the same period",
            FigureValue.Count(firstActions.Count - reinstated));
        Add("actions.items.gross", Act, "Items actioned (first action in the period)", FigureUnit.Count,
            "count of distinct items whose first removed/restricted/blocked-at-upload action occurredAt is in the period",
            FigureValue.Count(firstActions.Count));
        Add("actions.items.reinstated", Act, "Items actioned and reinstated in the period", FigureUnit.Count,
            "of actions.items.gross, the items with a reinstated action at or after the first action and in the period",
            FigureValue.Count(reinstated));
        Add("actions.items.blocked-at-upload", Act, "Items blocked at upload", FigureUnit.Count,
            "of actions.items.gross, the items whose first action is blocked-at-upload",
            FigureValue.Count(firstActions.Count(kv => kv.Value.Action == ActionKind.BlockedAtUpload)));
        foreach (var kind in Enum.GetValues<ActionKind>())
        {
            string name = RecordNames.Name(kind);
            Add($"actions.kind.{name}", Act, $"Action records: {name}", FigureUnit.Count,
                $"count of action records with action={name} whose occurredAt is in the period",
                FigureValue.Count(set.Actions.Count(a => a.Record.Action == kind && p.Contains(a.Record.OccurredAt))));
        }
        var enforcement = set.Actions.Where(a => a.Record.Action != ActionKind.Reinstated && p.Contains(a.Record.OccurredAt)).ToList();
        Add("actions.automated", Act, "Actions taken automatically", FigureUnit.Count,
            "count of action records other than reinstated, with automated=true, whose occurredAt is in the period",
            FigureValue.Count(enforcement.Count(a => a.Record.Automated)));
        Add("actions.manual", Act, "Actions taken by a person", FigureUnit.Count,
            "count of action records other than reinstated, with automated=false, whose occurredAt is in the period",
            FigureValue.Count(enforcement.Count(a => !a.Record.Automated)));
        Add("actions.accounts", Act, "Accounts suspended or banned", FigureUnit.Count,
            "count of distinct accounts whose first account-suspended/account-banned action occurredAt is in the period",
            FigureValue.Count(CountIn(set.FirstAccountAction.Values, p)));
        long proactive = firstActions.Count(kv =>
            set.FirstDetectionByItem.TryGetValue(kv.Key, out var d) && d <= kv.Value.OccurredAt
            && set.FirstProactiveDetection(kv.Key) is DateTimeOffset pd && pd == d);
        Add("actions.proactive-share", Act, "Share of actioned items found proactively", FigureUnit.Ratio,
            "items in actions.items.gross whose first detection (at or before the first action) has source=proactive / actions.items.gross",
            FigureValue.Ratio(proactive, firstActions.Count));

        // Speed.
        const string Speed = "speed";
        var toAction = new List<long>();
        long noDetection = 0;
        foreach (var (item, action) in firstActions)
        {
            if (set.FirstDetectionByItem.TryGetValue(item, out var detectedAt) && detectedAt <= action.OccurredAt)
            {
                toAction.Add(Percentile.WholeSeconds(detectedAt, action.OccurredAt));
            }
            else
            {
                noDetection++;
            }
        }
        AddDurations(list, "speed.detection-to-action", Speed, "Detection to first action", toAction,
            "over items in actions.items.gross: whole seconds from the item's first detection to its first item action");
        Add("speed.detection-to-action.no-detection", Speed, "Items actioned with no earlier detection", FigureUnit.Count,
            "items in actions.items.gross with no detection at or before the first action (left out of the durations)",
            FigureValue.Count(noDetection));
        foreach (var recipient in Enum.GetValues<ReportRecipient>())
        {
            string r = RecordNames.Name(recipient);
            var firsts = set.FirstReport.Where(kv => kv.Key.Recipient == recipient && p.Contains(kv.Value.OccurredAt)).Select(kv => kv.Value).ToList();
            AddDurations(list, $"speed.detection-to-report.{r}", Speed, $"Detection to report ({r})", ReportDelays(set, firsts),
                $"over each item's first report to {r} in the period: whole seconds from the item's first detection (at or before the report)");
            foreach (var priority in Enum.GetValues<ReportPriority>())
            {
                string pr = RecordNames.Name(priority);
                AddDurations(list, $"speed.detection-to-report.{r}.{pr}", Speed, $"Detection to report ({r}, {pr})",
                    ReportDelays(set, firsts.Where(f => f.Priority == priority)),
                    $"as speed.detection-to-report.{r}, over first reports with priority={pr}");
            }
        }

        // Authority reports.
        const string Rep = "reports";
        foreach (var recipient in Enum.GetValues<ReportRecipient>())
        {
            string r = RecordNames.Name(recipient);
            Add($"reports.{r}", Rep, $"Reports to {r}", FigureUnit.Count,
                $"count of report records with recipient={r} whose occurredAt is in the period",
                FigureValue.Count(set.Reports.Count(x => x.Record.Recipient == recipient && p.Contains(x.Record.OccurredAt))));
            foreach (var priority in Enum.GetValues<ReportPriority>())
            {
                string pr = RecordNames.Name(priority);
                Add($"reports.{r}.{pr}", Rep, $"Reports to {r}, {pr}", FigureUnit.Count,
                    $"count of report records with recipient={r} and priority={pr} whose occurredAt is in the period",
                    FigureValue.Count(set.Reports.Count(x => x.Record.Recipient == recipient && x.Record.Priority == priority && p.Contains(x.Record.OccurredAt))));
            }
        }

        // Precision per detector: decisive event is a detection's first confirm or clear decision.
        const string Prec = "precision";
        foreach (string detector in keys.Detectors)
        {
            var decided = set.DecisiveDecisions.Where(d => d.Key == detector && p.Contains(d.Decision.OccurredAt)).ToList();
            long confirmed = decided.Count(d => d.Decision.Outcome == DecisionOutcome.Confirm);
            long cleared = decided.Count - confirmed;
            long unreviewed = set.Detections.Count(d =>
                p.Contains(d.Record.OccurredAt) && set.KeyOf(d.Record) == detector
                && !(set.DecisiveByDetection.TryGetValue(d.Record.EventId, out var dec) && dec.OccurredAt < p.To));
            long escalated = set.Decisions.Count(d => d.Record.Outcome == DecisionOutcome.Escalate && p.Contains(d.Record.OccurredAt) && set.DecisionKey(d.Record) == detector);
            Add($"precision.{detector}.confirm-rate", Prec, $"{detector}: confirmed by reviewers (precision)", FigureUnit.Ratio,
                $"confirmed / (confirmed + cleared), over detections by {detector} whose first confirm-or-clear decision occurredAt is in the period",
                FigureValue.Ratio(confirmed, confirmed + cleared));
            Add($"precision.{detector}.clear-rate", Prec, $"{detector}: cleared by reviewers", FigureUnit.Ratio,
                $"cleared / (confirmed + cleared), over the same decisions",
                FigureValue.Ratio(cleared, confirmed + cleared));
            Add($"precision.{detector}.confirmed", Prec, $"{detector}: confirmed", FigureUnit.Count,
                "detections whose first confirm-or-clear decision is confirm and occurredAt is in the period", FigureValue.Count(confirmed));
            Add($"precision.{detector}.cleared", Prec, $"{detector}: cleared", FigureUnit.Count,
                "detections whose first confirm-or-clear decision is clear and occurredAt is in the period", FigureValue.Count(cleared));
            Add($"precision.{detector}.escalated", Prec, $"{detector}: escalations", FigureUnit.Count,
                "escalate decision records whose occurredAt is in the period (not outcomes; left out of the rates)", FigureValue.Count(escalated));
            Add($"precision.{detector}.unreviewed", Prec, $"{detector}: unreviewed detections", FigureUnit.Count,
                "detections by this detector whose occurredAt is in the period and that had no confirm-or-clear decision before the period ended",
                FigureValue.Count(unreviewed));
        }

        // Appeals: decisive event is the lodging, or an appeal's first outcome.
        const string App = "appeals";
        AddAppeals(list, set, p, "appeals", "", _ => true);
        AddAppeals(list, set, p, "appeals.proactive", " about proactive technology", set.IsAboutProactiveTech);
        var outcomeDelays = set.FirstOutcome.Values
            .Where(o => p.Contains(o.OccurredAt) && set.Lodged.TryGetValue(o.AppealId, out var l) && l.OccurredAt <= o.OccurredAt)
            .Select(o => Percentile.WholeSeconds(set.Lodged[o.AppealId].OccurredAt, o.OccurredAt))
            .ToList();
        AddDurations(list, "appeals.time-to-outcome", App, "Appeal lodged to outcome", outcomeDelays,
            "over appeals whose first outcome occurredAt is in the period and that have a lodged record: whole seconds from lodged to outcome");
        return list;
    }

    private static void AddAppeals(List<PeriodFigure> list, RecordSet set, ReportPeriod p, string prefix, string suffix, Func<string, bool> include)
    {
        long lodged = set.Lodged.Values.Count(a => include(a.AppealId) && p.Contains(a.OccurredAt));
        var outcomes = set.FirstOutcome.Values.Where(a => include(a.AppealId) && p.Contains(a.OccurredAt)).ToList();
        long reversed = outcomes.Count(a => a.Stage == AppealStage.Reversed);
        long upheld = outcomes.Count - reversed;
        string scope = suffix.Length == 0 ? "" : " with aboutProactiveTech=true";
        list.Add(new PeriodFigure($"{prefix}.lodged", "appeals", $"Appeals lodged{suffix}", FigureUnit.Count,
            $"count of distinct appeals{scope} whose lodged record occurredAt is in the period", FigureValue.Count(lodged)));
        list.Add(new PeriodFigure($"{prefix}.upheld", "appeals", $"Appeals decided, decision upheld{suffix}", FigureUnit.Count,
            $"count of distinct appeals{scope} whose first outcome is upheld and occurredAt is in the period", FigureValue.Count(upheld)));
        list.Add(new PeriodFigure($"{prefix}.reversed", "appeals", $"Appeals decided, decision reversed{suffix}", FigureUnit.Count,
            $"count of distinct appeals{scope} whose first outcome is reversed and occurredAt is in the period", FigureValue.Count(reversed)));
        list.Add(new PeriodFigure($"{prefix}.overturn-rate", "appeals", $"Overturn rate{suffix}", FigureUnit.Ratio,
            $"reversed / (upheld + reversed), over appeals{scope} whose first outcome occurredAt is in the period", FigureValue.Ratio(reversed, upheld + reversed)));
    }

    private static void AddDurations(List<PeriodFigure> list, string id, string section, string label, List<long> seconds, string over)
    {
        seconds.Sort();
        list.Add(new PeriodFigure($"{id}.median", section, $"{label}: median", FigureUnit.Seconds,
            $"{over}; median = {Percentile.Describe(50)}", FigureValue.Seconds(Percentile.NearestRank(seconds, 50), seconds.Count)));
        list.Add(new PeriodFigure($"{id}.p90", section, $"{label}: 90th percentile", FigureUnit.Seconds,
            $"{over}; {Percentile.Describe(90)}", FigureValue.Seconds(Percentile.NearestRank(seconds, 90), seconds.Count)));
    }

    private static List<long> ReportDelays(RecordSet set, IEnumerable<AuthorityReportRecord> reports) =>
        [.. reports
            .Where(r => set.FirstDetectionByItem.TryGetValue(r.ItemId, out var d) && d <= r.OccurredAt)
            .Select(r => Percentile.WholeSeconds(set.FirstDetectionByItem[r.ItemId], r.OccurredAt))];

    private static long CountIn(IEnumerable<DateTimeOffset> times, ReportPeriod p) => times.Count(p.Contains);

    private static long CountIn<TKey>(Dictionary<TKey, DateTimeOffset> firsts, Func<TKey, bool> match, ReportPeriod p)
        where TKey : notnull => firsts.Count(kv => match(kv.Key) && p.Contains(kv.Value));

    /// <summary>Banks and detectors with any record in either period, so both periods list the same figures.</summary>
    private sealed record DynamicKeys(IReadOnlyList<(string Bank, string Category)> BankCategories, IReadOnlyList<string> Detectors)
    {
        public static DynamicKeys Collect(RecordSet set, ReportPeriod current, ReportPeriod previous)
        {
            bool InEither(DateTimeOffset t) => current.Contains(t) || previous.Contains(t);
            var banks = set.Detections
                .Where(d => d.Record.Type == DetectionType.HashMatch && InEither(d.Record.OccurredAt))
                .Select(d => (d.Record.Bank!, d.Record.Category!))
                .Distinct()
                .OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal)
                .ToList();
            var detectors = set.Detections.Where(d => InEither(d.Record.OccurredAt)).Select(d => set.KeyOf(d.Record))
                .Concat(set.Decisions.Where(d => InEither(d.Record.OccurredAt)).Select(d => set.DecisionKey(d.Record)))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            return new DynamicKeys(banks, detectors);
        }
    }

    /// <summary>The records of a chain, indexed by the first events the figures are decided by.</summary>
    private sealed class RecordSet
    {
        public readonly record struct Sequenced<T>(long Sequence, T Record);

        public readonly record struct Decisive(string Key, DecisionRecord Decision);

        public List<Sequenced<DetectionRecord>> Detections { get; } = [];

        public List<Sequenced<DecisionRecord>> Decisions { get; } = [];

        public List<Sequenced<ActionRecord>> Actions { get; } = [];

        public List<Sequenced<AuthorityReportRecord>> Reports { get; } = [];

        public List<Sequenced<AppealRecord>> Appeals { get; } = [];

        public List<SkippedRecord> Skipped { get; } = [];

        public long RecordCount { get; private set; }

        public Dictionary<string, DetectionRecord> DetectionById { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset> FirstDetectionByItem { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Item, DetectionType Type), DateTimeOffset> FirstByItemType { get; } = [];

        public Dictionary<(string Item, string Bank, string Category), DateTimeOffset> FirstByItemBankCategory { get; } = [];

        public Dictionary<(string Item, DetectionSource Source), DateTimeOffset> FirstByItemSource { get; } = [];

        public Dictionary<string, ActionRecord> FirstItemAction { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<DateTimeOffset>> ReinstatedByItem { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, DateTimeOffset> FirstAccountAction { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Item, ReportRecipient Recipient), AuthorityReportRecord> FirstReport { get; } = [];

        public Dictionary<string, DecisionRecord> DecisiveByDetection { get; } = new(StringComparer.Ordinal);

        public List<Decisive> DecisiveDecisions { get; } = [];

        public Dictionary<string, AppealRecord> Lodged { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, AppealRecord> FirstOutcome { get; } = new(StringComparer.Ordinal);

        private readonly HashSet<string> _proactiveAppeals = new(StringComparer.Ordinal);

        private readonly Dictionary<DetectionRecord, string> _keys = new(ReferenceEqualityComparer.Instance);

        /// <summary>The detector key of a detection, computed once.</summary>
        public string KeyOf(DetectionRecord d) => _keys[d];

        public string DecisionKey(DecisionRecord d)
        {
            DetectionById.TryGetValue(d.DetectionId, out var detection);
            return Key(d.Detector ?? detection?.Detector ?? Manual, d.DetectorVersion ?? detection?.DetectorVersion);
        }

        public bool IsAboutProactiveTech(string appealId) => _proactiveAppeals.Contains(appealId);

        public DateTimeOffset? FirstProactiveDetection(string item) =>
            FirstByItemSource.TryGetValue((item, DetectionSource.Proactive), out var t) ? t : null;

        public static RecordSet Load(IReadOnlyList<ChainEntry> entries)
        {
            var set = new RecordSet();
            var seenIds = new Dictionary<string, long>(StringComparer.Ordinal);
            var parsed = new List<Sequenced<TransparencyRecord>>();
            foreach (var entry in entries)
            {
                TransparencyRecord? record;
                try
                {
                    record = RecordCodec.Read(entry);
                }
                catch (RecordFormatException e)
                {
                    set.Skipped.Add(new SkippedRecord(entry.Sequence, e.Message));
                    continue;
                }
                if (record is null)
                {
                    continue;
                }
                set.RecordCount++;
                if (seenIds.TryGetValue(record.EventId, out long first))
                {
                    set.Skipped.Add(new SkippedRecord(entry.Sequence, string.Create(CultureInfo.InvariantCulture, $"record {entry.Sequence}: eventId repeats record {first}; the first one counts")));
                    continue;
                }
                seenIds[record.EventId] = entry.Sequence;
                parsed.Add(new Sequenced<TransparencyRecord>(entry.Sequence, record));
            }

            // "First" means earliest occurredAt, ties broken by chain order, so late-recorded events sort correctly.
            parsed.Sort((a, b) => a.Record.OccurredAt != b.Record.OccurredAt ? a.Record.OccurredAt.CompareTo(b.Record.OccurredAt) : a.Sequence.CompareTo(b.Sequence));
            foreach (var (seq, record) in parsed)
            {
                if (record is DetectionRecord d)
                {
                    set.AddDetection(seq, d);
                }
            }
            foreach (var (seq, record) in parsed)
            {
                switch (record)
                {
                    case DecisionRecord d:
                        set.AddDecision(seq, d);
                        break;
                    case ActionRecord a:
                        set.AddAction(seq, a);
                        break;
                    case AuthorityReportRecord r:
                        set.Reports.Add(new(seq, r));
                        set.FirstReport.TryAdd((r.ItemId, r.Recipient), r);
                        break;
                    case AppealRecord a:
                        set.AddAppeal(seq, a);
                        break;
                }
            }
            set.Skipped.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
            return set;
        }

        private static string Key(string detector, string? version) => version is null ? detector : detector + "@" + version;

        private void AddDetection(long seq, DetectionRecord d)
        {
            Detections.Add(new(seq, d));
            DetectionById[d.EventId] = d;
            _keys[d] = Key(d.Detector ?? Manual, d.DetectorVersion);
            FirstDetectionByItem.TryAdd(d.ItemId, d.OccurredAt);
            FirstByItemType.TryAdd((d.ItemId, d.Type), d.OccurredAt);
            FirstByItemSource.TryAdd((d.ItemId, d.Source), d.OccurredAt);
            if (d.Type == DetectionType.HashMatch)
            {
                FirstByItemBankCategory.TryAdd((d.ItemId, d.Bank!, d.Category!), d.OccurredAt);
            }
        }

        private void AddDecision(long seq, DecisionRecord d)
        {
            if (DetectionById.TryGetValue(d.DetectionId, out var detection)
                && ((d.Detector is not null && detection.Detector is not null && d.Detector != detection.Detector)
                    || (d.DetectorVersion is not null && detection.DetectorVersion is not null && d.DetectorVersion != detection.DetectorVersion)))
            {
                Skipped.Add(new SkippedRecord(seq, string.Create(CultureInfo.InvariantCulture, $"record {seq}: the decision names a different detector from its detection")));
                return;
            }
            Decisions.Add(new(seq, d));
            if (d.Outcome != DecisionOutcome.Escalate && DecisiveByDetection.TryAdd(d.DetectionId, d))
            {
                DecisiveDecisions.Add(new Decisive(DecisionKey(d), d));
            }
        }

        private void AddAction(long seq, ActionRecord a)
        {
            Actions.Add(new(seq, a));
            if (RecordCodec.IsItemAction(a.Action))
            {
                FirstItemAction.TryAdd(a.ItemId!, a);
            }
            else if (RecordCodec.IsAccountAction(a.Action))
            {
                FirstAccountAction.TryAdd(a.AccountId!, a.OccurredAt);
            }
            else if (a.ItemId is not null)
            {
                if (!ReinstatedByItem.TryGetValue(a.ItemId, out var times))
                {
                    ReinstatedByItem[a.ItemId] = times = [];
                }
                times.Add(a.OccurredAt);
            }
        }

        private void AddAppeal(long seq, AppealRecord a)
        {
            Appeals.Add(new(seq, a));
            if (a.AboutProactiveTech)
            {
                _proactiveAppeals.Add(a.AppealId);
            }
            if (a.Stage == AppealStage.Lodged)
            {
                Lodged.TryAdd(a.AppealId, a);
            }
            else
            {
                FirstOutcome.TryAdd(a.AppealId, a);
            }
        }
    }
}
