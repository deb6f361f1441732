// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Hosting.Transparency;
using Safeguard.Storage;

namespace Safeguard.Hosting.Checks;

/// <summary>Where checked text appeared on the platform.</summary>
public static class TextContexts
{
    /// <summary>The accepted contexts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["post", "message", "profile", "search"];

    /// <summary>True when <paramref name="context"/> is one of <see cref="Names"/>.</summary>
    public static bool IsValid(string? context) => context is not null && Names.Contains(context, StringComparer.Ordinal);
}

/// <summary>One list entry found in a checked text.</summary>
/// <param name="Kind"><c>url</c> or <c>keyword</c>.</param>
/// <param name="Bank">The bank's name.</param>
/// <param name="Category">The bank's category.</param>
/// <param name="Action">The bank's action.</param>
/// <param name="EntryId">The entry's id.</param>
/// <param name="EntryKind">url, domain, url-sha256 or keyword.</param>
/// <param name="Start">Start of the span in the checked text (UTF-16 index, inclusive).</param>
/// <param name="End">End of the span (exclusive).</param>
/// <param name="Labels">The entry's labels.</param>
/// <param name="ExternalId">The entry's id at its source.</param>
public sealed record TextHitDetail(string Kind, string Bank, string Category, string Action, long EntryId, string EntryKind, int Start, int End,
    IReadOnlyList<string> Labels, string? ExternalId);

/// <summary>The answer to a text check.</summary>
/// <param name="Decision">The strictest action among the banks hit, or <c>allow</c>.</param>
/// <param name="Hits">Every hit, in text order.</param>
/// <param name="CheckId">The recorded check's id when something was hit.</param>
public sealed record TextCheckOutcome(string Decision, IReadOnlyList<TextHitDetail> Hits, long? CheckId);

/// <summary>
/// Answers text checks against every enabled url and keyword bank, and records them as image checks
/// are: a check with hits goes to <c>checks</c>/<c>check_matches</c> (with each hit's span), one
/// without is only counted. The text itself is stored only when a hit bank's action routes the
/// content to a human (<c>review</c> or <c>hold</c>), for the reviewer; it is never logged.
/// </summary>
public sealed class TextCheckService(
    TextBankIndex index,
    BankIndex hashIndex,
    ISafeguardStore store,
    ITransparencyRecorder recorder,
    UnmatchedCheckCounter counter,
    SafeguardMetrics metrics,
    TimeProvider time,
    ILogger<TextCheckService> logger)
{
    private const string InputLabel = "text";

    /// <summary>Scans <paramref name="text"/>, decides and records the outcome for <paramref name="keyId"/>.</summary>
    public async Task<TextCheckOutcome> CheckAsync(string text, string context, string? contentRef, string? userRef, long keyId, long startTimestamp, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(text);
        // The synchroniser compiles the text lists before it marks the load done.
        if (!hashIndex.IsLoaded)
        {
            logger.CheckBeforeIndexReady(keyId);
            throw new IndexNotReadyException();
        }
        var now = time.GetUtcNow();
        var hits = new List<TextIndexHit>();
        index.Match(text, now, hits);
        if (hits.Count == 0)
        {
            counter.Increment(keyId);
            Finish(BankActions.Allow, 0);
            return new TextCheckOutcome(BankActions.Allow, [], null);
        }

        string decision = BankActions.Decide(hits.Select(h => h.Bank.Action));
        bool toReview = hits.Any(h => h.Bank.Action is BankAction.Review or BankAction.Hold);
        var matches = hits.Select(h => new CheckMatch(h.Bank.Id, h.Bank.Name, h.EntryId, h.EntryKind, 0, h.Bank.Action) { SpanStart = h.Start, SpanEnd = h.End }).ToList();
        var record = new RecordedCheck(0, now, keyId, contentRef, userRef, new CheckHashes(null, null, null, null, null), decision, matches)
        {
            Input = InputLabel,
            Context = context,
            Text = toReview ? text : null,
        };
        long checkId = await store.RecordCheckAsync(record, ct).ConfigureAwait(false);
        try
        {
            var banks = hits.DistinctBy(h => h.Bank.Id).Select(h => new MatchedBank(h.Bank.Name, h.Bank.Category, h.EntryKind)).ToList();
            await recorder.RecordCheckAsync(checkId, now, contentRef, userRef, decision, banks, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (TransparencyRecorder.IsStoreFailure(e))
        {
            logger.TransparencyRecordFailed(checkId, e.GetType().Name);
        }
        var entries = (await store.GetEntriesAsync([.. hits.Select(h => h.EntryId).Distinct()], ct).ConfigureAwait(false)).ToDictionary(e => e.Id);
        foreach (var h in hits)
        {
            metrics.Matches.WithLabels(h.Bank.Name).Inc();
        }
        Finish(decision, hits.Count);
        logger.CheckMatched(checkId, keyId, hits.Count, decision);
        var details = hits.Select(h =>
        {
            entries.TryGetValue(h.EntryId, out var e);
            return new TextHitDetail(h.EntryKind == HashKind.Keyword ? "keyword" : "url", h.Bank.Name, h.Bank.Category, h.Bank.Action.ToText(),
                h.EntryId, h.EntryKind.ToText(), h.Start, h.End, e?.Labels ?? [], e?.ExternalId);
        }).ToList();
        return new TextCheckOutcome(decision, details, checkId);

        void Finish(string d, int matchCount)
        {
            double seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
            metrics.Checks.WithLabels(d, InputLabel).Inc();
            metrics.CheckDuration.WithLabels(InputLabel).Observe(seconds);
            logger.CheckCompleted(keyId, d, matchCount, seconds * 1000);
        }
    }
}
