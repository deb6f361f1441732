// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Text;

/// <summary>What a list entry matches.</summary>
public enum TextEntryKind
{
    /// <summary>One page or image URL (specs/url-lists.md B.3).</summary>
    Page,

    /// <summary>A whole host and its subdomains, only when flagged domain-level (B.4).</summary>
    Domain,

    /// <summary>A keyword or phrase (specs/keywords.md).</summary>
    Keyword,
}

/// <summary>The kind of a hit, as the API and the CLI name it.</summary>
public enum TextHitKind
{
    /// <summary>A URL list entry matched a URL found in the text.</summary>
    Url,

    /// <summary>A keyword entry matched.</summary>
    Keyword,
}

/// <summary>Which rule made a URL match (specs/url-lists.md B.7).</summary>
public enum UrlMatchRule
{
    /// <summary>The normalised URL equals the entry's normalised URL.</summary>
    Exact,

    /// <summary>The match keys are equal after the www/scheme equivalence (or the entry is hashed, so only its key is known).</summary>
    ExactAfterEquivalence,

    /// <summary>The host is a domain-level entry or one of its subdomains.</summary>
    Domain,
}

/// <summary>A list (one bank of kind url or keyword) as the builder and hits know it.</summary>
/// <param name="ListId">Stable id of the list.</param>
/// <param name="Category">Reporting category (<c>iwf-url</c>, <c>iwf-npi</c>, <c>platform</c>, …).</param>
/// <param name="Version">The list version in force (supplier id or fetch time); recorded with every hit.</param>
/// <param name="UrlOptions">URL matching options; null means <see cref="UrlListOptions.Default"/>.</param>
public sealed record TextListInfo(string ListId, string Category, string Version, UrlListOptions? UrlOptions = null)
{
    /// <summary>The URL options in force.</summary>
    public UrlListOptions EffectiveUrlOptions => UrlOptions ?? UrlListOptions.Default;
}

/// <summary>One entry of a list. Never carries the listed URL or term: ids and digests only.</summary>
/// <param name="List">The list it belongs to.</param>
/// <param name="EntryId">The entry's id in its list.</param>
/// <param name="Kind">Page, domain or keyword.</param>
/// <param name="Digest">Lower-case hex SHA-256 of the entry's key, for hashed URL entries; null otherwise.</param>
public sealed record TextListEntry(TextListInfo List, string EntryId, TextEntryKind Kind, string? Digest = null);

/// <summary>Options for a keyword entry (specs/keywords.md C.3).</summary>
/// <param name="Variants">Match the skeleton, leet and collapsed views too (default); false means V1 only.</param>
/// <param name="Substring">Also find the entry inside longer tokens (handles, hashtags).</param>
public sealed record KeywordEntryOptions(bool Variants = true, bool Substring = false)
{
    /// <summary>Variants on, whole-candidate matching.</summary>
    public static KeywordEntryOptions Default { get; } = new();
}

/// <summary>Details of a URL hit.</summary>
/// <param name="Url">The candidate's normalised URL (user content; shown only to entitled reviewers).</param>
/// <param name="Rule">Which rule fired.</param>
/// <param name="Obfuscation">Disguises undone to find the URL in the text.</param>
/// <param name="IsShortener">The host is a URL shortener.</param>
public sealed record UrlHitDetail(NormalizedUrl Url, UrlMatchRule Rule, UrlObfuscation Obfuscation, bool IsShortener);

/// <summary>Details of a keyword hit.</summary>
/// <param name="View">The strictest view that matched: 1 base, 2 skeleton, 3 leet, 4 collapsed.</param>
/// <param name="Candidate">How the matching candidate was formed.</param>
public sealed record KeywordHitDetail(int View, KeywordCandidateKind Candidate);

/// <summary>One match of a list entry in a text.</summary>
/// <param name="Kind">url or keyword.</param>
/// <param name="Entry">The entry (list, category, version, id).</param>
/// <param name="Start">Start in the ORIGINAL text (UTF-16 index, inclusive).</param>
/// <param name="End">End in the original text (exclusive).</param>
/// <param name="Text">The original text of the span, as written.</param>
/// <param name="Url">Set for URL hits.</param>
/// <param name="Keyword">Set for keyword hits.</param>
public sealed record TextHit(TextHitKind Kind, TextListEntry Entry, int Start, int End, string Text, UrlHitDetail? Url = null, KeywordHitDetail? Keyword = null);

/// <summary>Options for one scan.</summary>
public sealed record TextScanOptions
{
    /// <summary>Look for URLs (default true).</summary>
    public bool Urls { get; init; } = true;

    /// <summary>Look for keywords (default true).</summary>
    public bool Keywords { get; init; } = true;

    /// <summary>Accept the reserved test names (.example, .invalid, .test, .localhost) for URLs written without a scheme. Tests only.</summary>
    public bool AllowReservedTestDomains { get; init; }

    /// <summary>The defaults.</summary>
    public static TextScanOptions Default { get; } = new();
}

/// <summary>The outcome of scanning one text.</summary>
/// <param name="Hits">Every entry match, ordered by position.</param>
/// <param name="Urls">Every URL found in the text, listed or not (shorteners flagged).</param>
/// <param name="SnapshotVersion">Identifies the list snapshot that was in force.</param>
public sealed record TextScanResult(IReadOnlyList<TextHit> Hits, IReadOnlyList<ExtractedUrl> Urls, long SnapshotVersion);
