// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using Safeguard.Text;

namespace Safeguard.Banks;

/// <summary>
/// Checks and normalises the entries of url and keyword banks with the same rules the text list
/// snapshot applies when it is built (<see cref="TextListBuilder"/>), so an entry that is stored
/// always compiles. Errors name the field and never quote the value.
/// </summary>
public static class TextEntryRules
{
    /// <summary>Longest keyword or phrase.</summary>
    public const int MaxKeywordLength = 1024;

    /// <summary>
    /// Builds an entry of <paramref name="kindText"/> (or <paramref name="defaultKind"/>) for a bank of
    /// <paramref name="bankKind"/>. URLs are stored normalised, domains as their host key, digests
    /// in lower case, keywords trimmed as written (they are normalised when the snapshot is built).
    /// </summary>
    public static bool TryCreate(BankKind bankKind, string? kindText, HashKind? defaultKind, string? value, string? externalId, IReadOnlyList<string>? labels, string? note,
        [NotNullWhen(true)] out NewBankEntry? entry, [NotNullWhen(false)] out string? field, [NotNullWhen(false)] out string? error)
    {
        entry = null;
        string kinds = string.Join(", ", bankKind.EntryKindNames());
        HashKind kind;
        if (string.IsNullOrWhiteSpace(kindText))
        {
            if (defaultKind is null)
            {
                (field, error) = ("kind", $"required: one of {kinds}");
                return false;
            }
            kind = defaultKind.Value;
        }
        else if (!HashKinds.TryParseAny(kindText, out kind))
        {
            kind = 0;
        }
        if (kind == 0 || !bankKind.Holds(kind))
        {
            (field, error) = ("kind", $"a {bankKind.ToText()} bank holds {kinds}");
            return false;
        }
        if (!TryNormalize(kind, value, out var normalized, out error))
        {
            field = "value";
            return false;
        }
        return EntryRules.TryComplete(kind, normalized, externalId, labels, note, out entry, out field, out error);
    }

    /// <summary>Normalises a text entry's value; on failure says why without quoting it.</summary>
    public static bool TryNormalize(HashKind kind, string? value, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "required";
            return false;
        }
        string text = value.Trim();
        switch (kind)
        {
            case HashKind.Url:
                if (!UrlNormalizer.TryNormalize(text, out var url, out var urlError))
                {
                    error = "the URL cannot be normalised: " + urlError;
                    return false;
                }
                normalized = url.ToString();
                break;
            case HashKind.Domain:
                if (!UrlNormalizer.TryNormalizeDomain(text, out var host, out var hostError))
                {
                    error = hostError;
                    return false;
                }
                normalized = host;
                break;
            case HashKind.UrlSha256:
                if (text.Length != 64 || text.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF"))
                {
                    error = $"a url-sha256 value is 64 hex digits (SHA-256 of a normalised URL's match key), got {text.Length} characters";
                    return false;
                }
                normalized = text.ToLowerInvariant();
                break;
            case HashKind.Keyword:
                if (text.Length > MaxKeywordLength)
                {
                    error = $"a keyword is at most {MaxKeywordLength} characters";
                    return false;
                }
                if (text.Any(char.IsControl))
                {
                    error = "a keyword may not hold control characters (line breaks, tabs)";
                    return false;
                }
                if (KeywordNormalizer.CompileEntry(text).Base.Length == 0)
                {
                    error = "the keyword has no letters or digits left after normalisation";
                    return false;
                }
                normalized = text;
                break;
            default:
                error = "not a text entry kind";
                return false;
        }
        error = null;
        return true;
    }
}
