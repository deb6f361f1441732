// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Text;

/// <summary>
/// Collects URL and keyword entries of one or more lists, then builds an immutable
/// <see cref="TextListSnapshot"/>. Every entry is normalised here, once: a bad entry is refused
/// with a reason and leaves the builder as it was. Not thread-safe; build on one thread, then
/// share the snapshot.
/// </summary>
public sealed class TextListBuilder
{
    private static long s_nextVersion;

    private readonly Dictionary<string, TextListInfo> _lists = new(StringComparer.Ordinal);
    private readonly HashSet<(string List, string Entry)> _ids = [];
    internal readonly List<PendingUrlEntry> UrlEntries = [];
    internal readonly List<(TextListEntry Entry, KeywordViews Views, KeywordEntryOptions Options)> KeywordEntries = [];

    /// <summary>Declares a list; entries name it by <see cref="TextListInfo.ListId"/>.</summary>
    public TextListBuilder AddList(TextListInfo list)
    {
        ArgumentNullException.ThrowIfNull(list);
        if (!_lists.TryAdd(list.ListId, list))
        {
            throw new ArgumentException($"the list '{list.ListId}' is already declared", nameof(list));
        }
        return this;
    }

    /// <summary>Adds a page entry from a plaintext URL.</summary>
    public bool TryAddUrl(string listId, string entryId, string url, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!TryStart(listId, entryId, out var list, out error))
        {
            return false;
        }
        if (!UrlNormalizer.TryNormalize(url, out var normalized, out error))
        {
            error = "the URL cannot be normalised: " + error;
            return false;
        }
        Commit(listId, entryId);
        UrlEntries.Add(new PendingUrlEntry(new TextListEntry(list, entryId, TextEntryKind.Page), normalized.MatchKey(list.EffectiveUrlOptions), null, normalized.ToString()));
        return true;
    }

    /// <summary>Adds a domain-level entry (host and subdomains).</summary>
    public bool TryAddDomain(string listId, string entryId, string host, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (!TryStart(listId, entryId, out var list, out error))
        {
            return false;
        }
        if (!UrlNormalizer.TryNormalizeDomain(host, out string? hostKey, out error))
        {
            return false;
        }
        Commit(listId, entryId);
        UrlEntries.Add(new PendingUrlEntry(new TextListEntry(list, entryId, TextEntryKind.Domain), hostKey, null, null));
        return true;
    }

    /// <summary>Adds a hashed page entry: lower-case hex SHA-256 of the page's match key (B.5).</summary>
    public bool TryAddUrlDigest(string listId, string entryId, string sha256Hex, [NotNullWhen(false)] out string? error) =>
        TryAddDigest(listId, entryId, sha256Hex, TextEntryKind.Page, out error);

    /// <summary>Adds a hashed domain entry: lower-case hex SHA-256 of the host key (B.5).</summary>
    public bool TryAddDomainDigest(string listId, string entryId, string sha256Hex, [NotNullWhen(false)] out string? error) =>
        TryAddDigest(listId, entryId, sha256Hex, TextEntryKind.Domain, out error);

    /// <summary>Adds a keyword or phrase.</summary>
    public bool TryAddKeyword(string listId, string entryId, string term, KeywordEntryOptions? options, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(term);
        if (!TryStart(listId, entryId, out var list, out error))
        {
            return false;
        }
        if (term.Length > 1024)
        {
            error = "the keyword is longer than 1024 characters";
            return false;
        }
        var views = KeywordNormalizer.CompileEntry(term);
        if (views.Base.Length == 0)
        {
            error = "the keyword has no letters or digits left after normalisation";
            return false;
        }
        Commit(listId, entryId);
        KeywordEntries.Add((new TextListEntry(list, entryId, TextEntryKind.Keyword), views, options ?? KeywordEntryOptions.Default));
        return true;
    }

    /// <summary>Adds a page entry; throws <see cref="ArgumentException"/> with the reason when it is refused.</summary>
    public TextListBuilder AddUrl(string listId, string entryId, string url) => Check(TryAddUrl(listId, entryId, url, out var e), e);

    /// <summary>Adds a domain entry; throws <see cref="ArgumentException"/> when refused.</summary>
    public TextListBuilder AddDomain(string listId, string entryId, string host) => Check(TryAddDomain(listId, entryId, host, out var e), e);

    /// <summary>Adds a hashed page entry; throws <see cref="ArgumentException"/> when refused.</summary>
    public TextListBuilder AddUrlDigest(string listId, string entryId, string sha256Hex) => Check(TryAddUrlDigest(listId, entryId, sha256Hex, out var e), e);

    /// <summary>Adds a keyword; throws <see cref="ArgumentException"/> when refused.</summary>
    public TextListBuilder AddKeyword(string listId, string entryId, string term, KeywordEntryOptions? options = null) =>
        Check(TryAddKeyword(listId, entryId, term, options, out var e), e);

    /// <summary>Builds the immutable snapshot; the builder may be reused afterwards.</summary>
    public TextListSnapshot Build() => new(this, Interlocked.Increment(ref s_nextVersion));

    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of a key (B.5).</summary>
    public static string DigestOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private bool TryAddDigest(string listId, string entryId, string sha256Hex, TextEntryKind kind, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(sha256Hex);
        if (!TryStart(listId, entryId, out var list, out error))
        {
            return false;
        }
        string hex = sha256Hex.Trim();
        if (hex.Length != 64 || hex.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF"))
        {
            error = "a SHA-256 digest must be 64 hex digits";
            return false;
        }
        hex = hex.ToLowerInvariant();
        Commit(listId, entryId);
        UrlEntries.Add(new PendingUrlEntry(new TextListEntry(list, entryId, kind, hex), null, hex, null));
        return true;
    }

    private bool TryStart(string listId, string entryId, [NotNullWhen(true)] out TextListInfo? list, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(listId);
        ArgumentNullException.ThrowIfNull(entryId);
        error = null;
        if (!_lists.TryGetValue(listId, out list))
        {
            error = $"the list '{listId}' is not declared";
            return false;
        }
        if (_ids.Contains((listId, entryId)))
        {
            error = $"the entry id '{entryId}' is already used in list '{listId}'";
            list = null;
            return false;
        }
        return true;
    }

    private void Commit(string listId, string entryId) => _ids.Add((listId, entryId));

    private TextListBuilder Check(bool ok, string? error) => ok ? this : throw new ArgumentException(error);

    /// <summary>A URL entry as stored: its key (plaintext) or digest, and for plaintext pages the normalised URL.</summary>
    internal sealed record PendingUrlEntry(TextListEntry Entry, string? Key, string? Digest, string? NormalizedUrl);
}
