// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Hashing;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Hosting.Transparency;
using Safeguard.Imaging;
using Safeguard.Storage;

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
    ILogger<CheckService> logger)
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
    public async Task<CheckOutcome> CheckAsync(CheckHashes hashes, CheckInput input, string? contentRef, string? userRef, long keyId, long startTimestamp, CancellationToken ct)
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

        string inputLabel = input == CheckInput.Image ? "image" : "hashes";
        if (hits.Count == 0)
        {
            counter.Increment(keyId);
            Finish(BankActions.Allow, 0);
            return new CheckOutcome(BankActions.Allow, hashes, [], null);
        }

        // Matches are rare: read labels and external ids from the store only for them.
        hits.Sort((a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : a.EntryId.CompareTo(b.EntryId));
        var entries = (await store.GetEntriesAsync([.. hits.Select(h => h.EntryId)], ct).ConfigureAwait(false)).ToDictionary(e => e.Id);
        string decision = BankActions.Decide(hits.Select(h => h.Bank.Action));
        var matches = hits.Select(h => new CheckMatch(h.Bank.Id, h.Bank.Name, h.EntryId, h.Kind, h.Distance, h.Bank.Action)).ToList();
        long checkId = await store.RecordCheckAsync(new RecordedCheck(0, now, keyId, contentRef, userRef, hashes, decision, matches), ct).ConfigureAwait(false);
        await RecordTransparencyAsync(checkId, now, contentRef, userRef, decision, hits, ct).ConfigureAwait(false);
        foreach (var h in hits)
        {
            metrics.Matches.WithLabels(h.Bank.Name).Inc();
        }
        Finish(decision, hits.Count);
        logger.CheckMatched(checkId, keyId, hits.Count, decision);
        var details = hits.Select(h =>
        {
            entries.TryGetValue(h.EntryId, out var e);
            return new MatchDetail(h.Bank.Name, h.EntryId, h.Kind.ToText(), h.Distance, h.Bank.Action.ToText(), e?.Labels ?? [], e?.ExternalId);
        }).ToList();
        return new CheckOutcome(decision, hashes, details, checkId);

        void Finish(string d, int matchCount)
        {
            double seconds = Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;
            metrics.Checks.WithLabels(d, inputLabel).Inc();
            metrics.CheckDuration.WithLabels(inputLabel).Observe(seconds);
            logger.CheckCompleted(keyId, d, matchCount, seconds * 1000);
        }
    }
}
