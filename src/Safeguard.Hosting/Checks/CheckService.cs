// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Banks;
using Safeguard.Cases;
using Safeguard.Checks;
using Safeguard.Hashing;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Hosting.Transparency;
using Safeguard.Imaging;
using Safeguard.Matching;
using Safeguard.Storage;
using Safeguard.Webhooks;

namespace Safeguard.Hosting.Checks;

/// <summary>What a check was made from, for metrics.</summary>
public enum CheckInput
{
    /// <summary>Image bytes the server hashed.</summary>
    Image,

    /// <summary>Hashes the caller computed.</summary>
    Hashes,
}

/// <summary>One match as the API reports it.</summary>
public sealed record MatchDetail(string Bank, long EntryId, string Kind, int Distance, string Action, IReadOnlyList<string> Labels, string? ExternalId);

/// <summary>The answer to a check.</summary>
/// <param name="Decision">The strictest action among matching banks, or <c>allow</c>.</param>
/// <param name="Hashes">The hashes checked.</param>
/// <param name="Matches">Every match.</param>
/// <param name="CheckId">The recorded check's id when something matched.</param>
public sealed record CheckOutcome(string Decision, CheckHashes Hashes, IReadOnlyList<MatchDetail> Matches, long? CheckId);

/// <summary>The index is still loading; checks would wrongly answer allow.</summary>
public sealed class IndexNotReadyException() : Exception("the bank index is still loading");

/// <summary>
/// Answers checks: hashes an upload (when given one), matches every enabled bank at its own radius,
/// picks the strictest action, records checks that matched and counts those that did not.
/// </summary>
public sealed class CheckService(
    BankIndex index,
    ISafeguardStore store,
    ImageHasher hasher,
    UnmatchedCheckCounter counter,
    ITransparencyRecorder recorder,
    SafeguardMetrics metrics,
    IOptions<SafeguardOptions> options,
    TimeProvider time,
    ILogger<CheckService> logger,
    IServiceProvider services)
{
    /// <summary>Hashes image bytes. Throws <see cref="ImageRejectedException"/> for what cannot be decoded.</summary>
    public CheckHashes HashImage(ReadOnlySpan<byte> bytes)
    {
        var result = hasher.Hash(bytes);
        return new CheckHashes(
            result.TooSmall ? null : result.Pdq.ToString(),
            result.Quality,
            Convert.ToHexStringLower(result.Md5),
            Convert.ToHexStringLower(result.Sha1),
            Convert.ToHexStringLower(result.Sha256));
    }

    /// <summary>
    /// Appends the check's detection and automatic action records. The decision has been made and the
    /// check recorded, so a database failure here is logged (with the check id, so the records can be
    /// restored from the recorded check) rather than turned into a failed check that the caller would retry.
    /// </summary>
    private async Task RecordTransparencyAsync(long checkId, DateTimeOffset now, string? contentRef, string? userRef, string decision, List<IndexHit> hits, CancellationToken ct)
    {
        // Hits are sorted closest first, so the first hit of each bank names the detector that matched best.
        var banks = hits.DistinctBy(h => h.Bank.Id).Select(h => new MatchedBank(h.Bank.Name, h.Bank.Category, h.Kind)).ToList();
        try
        {
            await recorder.RecordCheckAsync(checkId, now, contentRef, userRef, decision, banks, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (TransparencyRecorder.IsStoreFailure(e))
        {
            logger.TransparencyRecordFailed(checkId, e.GetType().Name);
        }
    }

    /// <summary>Matches <paramref name="hashes"/> (already normalised) and records the outcome for <paramref name="keyId"/>.</summary>
    public Task<CheckOutcome> CheckAsync(CheckHashes hashes, CheckInput input, string? contentRef, string? userRef, long keyId, long startTimestamp, CancellationToken ct) =>
        CheckAsync(hashes, input, contentRef, userRef, keyId, startTimestamp, ReadOnlyMemory<byte>.Empty, ct);

    /// <summary>
    /// Matches <paramref name="hashes"/> and acts on the outcome. Allow-list banks apply first
    /// (<see cref="AllowListFilter"/>); shadow-mode banks change nothing and only record what they
    /// would have done. A match that needs a person (<c>hold</c>, <c>review</c>, <c>report</c>) opens a
    /// review case with its evidence (for an upload, <paramref name="image"/> gives the case a
    /// reduced-size thumbnail); an automatic <c>block</c> or <c>hold</c> queues a signed webhook.
    /// </summary>
    public async Task<CheckOutcome> CheckAsync(
        CheckHashes hashes, CheckInput input, string? contentRef, string? userRef, long keyId, long startTimestamp, ReadOnlyMemory<byte> image, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        if (!index.IsLoaded)
        {
            logger.CheckBeforeIndexReady(keyId);
            throw new IndexNotReadyException();
        }
        var now = time.GetUtcNow();
        bool pdqUsable = hashes.Pdq is not null && (hashes.PdqQuality is null || hashes.PdqQuality >= options.Value.Checks.MinPdqQuality);
        var query = new CheckQuery(
            pdqUsable ? Hash256.Parse(hashes.Pdq) : null,
            hashes.Md5 is null ? null : Convert.FromHexString(hashes.Md5),
            hashes.Sha1 is null ? null : Convert.FromHexString(hashes.Sha1),
            hashes.Sha256 is null ? null : Convert.FromHexString(hashes.Sha256));
        var hits = new List<IndexHit>();
        index.Match(query, now, hits);
        hits.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.EntryId.CompareTo(b.EntryId));

        var live = Effective([.. hits.Where(h => !h.Bank.Shadow)]);
        string decision = BankActions.Decide(live.Positive.Select(h => h.Bank.Action));
        var wouldBe = Effective(hits);
        string shadowDecision = BankActions.Decide(wouldBe.Positive.Select(h => h.Bank.Action));
        // What the caller sees and what is recorded: positive hits that count, and the allow-list hits that cancelled others.
        var shown = live.Positive.Concat(live.Allow).ToList();

        string inputLabel = input == CheckInput.Image ? "image" : "hashes";
        long? checkId = null;
        List<MatchDetail> details = [];
        if (shown.Count == 0)
        {
            counter.Increment(keyId);
        }
        else
        {
            // Matches are rare: read labels and external ids from the store only for them.
            var entries = (await store.GetEntriesAsync([.. shown.Select(h => h.EntryId)], ct).ConfigureAwait(false)).ToDictionary(e => e.Id);
            var matches = shown.Select(h => new CheckMatch(h.Bank.Id, h.Bank.Name, h.EntryId, h.Kind, h.Distance, h.Bank.Action)).ToList();
            checkId = await store.RecordCheckAsync(new RecordedCheck(0, now, keyId, contentRef, userRef, hashes, decision, matches) { Input = inputLabel }, ct).ConfigureAwait(false);
            await RecordTransparencyAsync(checkId.Value, now, contentRef, userRef, decision, live.Positive, ct).ConfigureAwait(false);
            foreach (var h in shown)
            {
                metrics.Matches.WithLabels(h.Bank.Name).Inc();
            }
            logger.CheckMatched(checkId.Value, keyId, shown.Count, decision);
            details = [.. shown.Select(h =>
            {
                entries.TryGetValue(h.EntryId, out var e);
                return new MatchDetail(h.Bank.Name, h.EntryId, h.Kind.ToText(), h.Distance, h.Bank.Action.ToText(), e?.Labels ?? [], e?.ExternalId);
            })];
            await ActAsync(live.Positive, decision, checkId.Value, hashes, contentRef, userRef, entries, image, now, ct).ConfigureAwait(false);
        }
        if (!string.Equals(shadowDecision, decision, StringComparison.Ordinal) || wouldBe.Positive.Count != live.Positive.Count)
        {
            await RecordShadowAsync(wouldBe.Positive, shadowDecision, checkId, contentRef, userRef, now, ct).ConfigureAwait(false);
        }
        Finish(decision, shown.Count);
        return new CheckOutcome(decision, hashes, details, checkId);

        void Finish(string d, int matchCount)
        {
            double seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
            metrics.Checks.WithLabels(d, inputLabel).Inc();
            metrics.CheckDuration.WithLabels(inputLabel).Observe(seconds);
            logger.CheckCompleted(keyId, d, matchCount, seconds * 1000);
        }
    }

    /// <summary>Positive hits that still count after the allow-lists, and the allow-list hits.</summary>
    private static (List<IndexHit> Positive, List<IndexHit> Allow) Effective(List<IndexHit> hits)
    {
        var byEntry = hits.GroupBy(h => h.EntryId).ToDictionary(g => g.Key, g => g.First());
        var (effective, _) = AllowListFilter.Apply([.. hits.Select(h => new BankHit(h.Bank.Name, h.Bank.IsAllowList, h.Kind.ToText(), h.EntryId, h.Distance))]);
        return ([.. effective.Select(e => byEntry[e.EntryId])], [.. hits.Where(h => h.Bank.IsAllowList)]);
    }

    private async Task ActAsync(
        List<IndexHit> positive, string decision, long checkId, CheckHashes hashes, string? contentRef, string? userRef,
        Dictionary<long, BankEntry> entries, ReadOnlyMemory<byte> image, DateTimeOffset now, CancellationToken ct)
    {
        var banks = positive.Select(h => h.Bank.Name).Distinct(StringComparer.Ordinal).ToList();
        if (services.GetService<IOutboxStore>() is { } outbox
            && PlatformActions.ForAutomaticDecision(decision, RuleMode.Enforce, now, checkId, contentRef, userRef, banks) is { } item)
        {
            await outbox.EnqueueAsync(item, now, ct).ConfigureAwait(false);
            logger.AutomaticActionQueued(checkId, decision);
        }
        var needsPerson = positive.Where(h => h.Bank.Action is BankAction.Hold or BankAction.Review or BankAction.Report).ToList();
        if (needsPerson.Count == 0 || services.GetService<CaseService>() is not { } cases)
        {
            return;
        }
        try
        {
            string? thumbnailRef = null;
            if (!image.IsEmpty && options.Value.Review.KeepThumbnails && services.GetService<IThumbnailStore>() is { } thumbnails
                && ThumbnailMaker.MakeJpeg(image.Span) is { } jpeg)
            {
                thumbnailRef = await thumbnails.PutAsync(new Thumbnail(jpeg, "image/jpeg"), ct).ConfigureAwait(false);
            }
            var evidenceHashes = new Dictionary<string, string>(StringComparer.Ordinal);
            void Add(string kind, string? value)
            {
                if (value is not null)
                {
                    evidenceHashes[kind] = value;
                }
            }
            Add("pdq", hashes.Pdq);
            Add("md5", hashes.Md5);
            Add("sha1", hashes.Sha1);
            Add("sha256", hashes.Sha256);
            var caseMatches = positive.Select(h => new CaseMatch(h.Bank.Name, h.EntryId, h.Kind.ToText(), h.Distance,
                entries.TryGetValue(h.EntryId, out var e) ? e.Labels : [])).ToList();
            var strictest = needsPerson.Max(h => h.Bank.Action);
            var reason = "bank " + string.Join(", ", needsPerson.Select(h => h.Bank.Name).Distinct(StringComparer.Ordinal)) + ": " + strictest.ToText();
            var priority = strictest is BankAction.Hold or BankAction.Report ? CasePriority.High : CasePriority.Normal;
            var opened = await cases.OpenAsync(new NewCase(CaseKind.Image, priority, reason,
                new CaseEvidence(thumbnailRef, evidenceHashes, caseMatches, [], contentRef, userRef), checkId), ct).ConfigureAwait(false);
            logger.CaseOpened(checkId, opened.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.CaseOpenFailed(checkId, e.GetType().Name);
            throw;
        }
    }

    private async Task RecordShadowAsync(List<IndexHit> wouldBe, string shadowDecision, long? checkId, string? contentRef, string? userRef, DateTimeOffset now, CancellationToken ct)
    {
        var shadowHits = wouldBe.Where(h => h.Bank.Shadow).ToList();
        if (shadowHits.Count == 0)
        {
            return;
        }
        logger.ShadowMatched(checkId ?? 0, shadowHits.Count, shadowDecision);
        var banks = shadowHits.Select(h => h.Bank.Name).Distinct(StringComparer.Ordinal).ToList();
        if (services.GetService<IOutboxStore>() is { } outbox
            && PlatformActions.ForAutomaticDecision(shadowDecision, RuleMode.Shadow, now, checkId, contentRef, userRef, banks) is { } item)
        {
            await outbox.EnqueueAsync(item, now, ct).ConfigureAwait(false);
        }
    }
}
