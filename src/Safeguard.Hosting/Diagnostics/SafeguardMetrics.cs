// SPDX-License-Identifier: Apache-2.0
using Prometheus;

namespace Safeguard.Hosting.Diagnostics;

/// <summary>
/// The Prometheus metrics of one server, in its own registry (so several servers in one process,
/// as in tests, do not share counts). Labels are decisions, inputs and bank names only: operator-
/// chosen names, never anything a platform's user sent.
/// </summary>
public sealed class SafeguardMetrics
{
    /// <summary>Creates the metrics in a new registry.</summary>
    public SafeguardMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Checks = factory.CreateCounter("safeguard_checks_total", "Checks answered, by decision and input (image or hashes).", "decision", "input");
        Matches = factory.CreateCounter("safeguard_check_matches_total", "Entries matched by checks, by bank.", "bank");
        CheckDuration = factory.CreateHistogram("safeguard_check_duration_seconds", "Time to answer a check, hashing included, by input.",
            new HistogramConfiguration
            {
                LabelNames = ["input"],
                Buckets = Histogram.ExponentialBuckets(0.0001, 2, 18),
            });
        IndexEntries = factory.CreateGauge("safeguard_index_entries", "Entries held in the in-memory index, by bank.", "bank");
        IndexChangeId = factory.CreateGauge("safeguard_index_change_id", "Newest change-feed row applied to the index.");
        ImportedEntries = factory.CreateCounter("safeguard_imported_entries_total", "Entries committed by bulk imports.");
        TextSnapshotEntries = factory.CreateGauge("safeguard_text_snapshot_entries", "URL and keyword entries compiled into the text snapshot in use.");
        TextSnapshotBuilds = factory.CreateCounter("safeguard_text_snapshot_builds_total", "Text snapshots built after url or keyword banks changed.");
        ChildSafetyDecisions = factory.CreateCounter("safeguard_child_safety_decisions_total", "Child-safety decisions, by decision and rule.", "decision", "rule");
        ChildSafetyEvents = factory.CreateCounter("safeguard_child_safety_events_total", "Child-safety events ingested, by type.", "type");
        GroomingCases = factory.CreateCounter("safeguard_grooming_cases_total", "Conversations that reached the case tier and became review cases, by tier.", "tier");
    }

    /// <summary>safeguard_text_snapshot_entries.</summary>
    public Gauge TextSnapshotEntries { get; }

    /// <summary>safeguard_text_snapshot_builds_total.</summary>
    public Counter TextSnapshotBuilds { get; }

    /// <summary>safeguard_child_safety_decisions_total{decision,rule}.</summary>
    public Counter ChildSafetyDecisions { get; }

    /// <summary>safeguard_child_safety_events_total{type}.</summary>
    public Counter ChildSafetyEvents { get; }

    /// <summary>safeguard_grooming_cases_total{tier}.</summary>
    public Counter GroomingCases { get; }

    /// <summary>The registry served at /metrics.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>safeguard_checks_total{decision,input}.</summary>
    public Counter Checks { get; }

    /// <summary>safeguard_check_matches_total{bank}.</summary>
    public Counter Matches { get; }

    /// <summary>safeguard_check_duration_seconds{input}.</summary>
    public Histogram CheckDuration { get; }

    /// <summary>safeguard_index_entries{bank}.</summary>
    public Gauge IndexEntries { get; }

    /// <summary>safeguard_index_change_id.</summary>
    public Gauge IndexChangeId { get; }

    /// <summary>safeguard_imported_entries_total.</summary>
    public Counter ImportedEntries { get; }
}
