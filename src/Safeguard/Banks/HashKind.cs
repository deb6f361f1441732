// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;
using Safeguard.Hashing;

namespace Safeguard.Banks;

/// <summary>
/// The kinds of value a bank entry can hold: hashes in hash banks; URLs, domains, URL digests and
/// keywords in text banks (<see cref="BankKind"/>). Stored by their text form (<see cref="HashKinds.ToText"/>).
/// </summary>
public enum HashKind
{
    /// <summary>A 256-bit PDQ perceptual hash, matched within the bank's radius.</summary>
    Pdq = 1,

    /// <summary>MD5 of the file bytes, matched exactly.</summary>
    Md5 = 2,

    /// <summary>SHA-1 of the file bytes, matched exactly.</summary>
    Sha1 = 3,

    /// <summary>SHA-256 of the file bytes, matched exactly.</summary>
    Sha256 = 4,

    /// <summary>A page or image URL (url banks), matched after normalisation (docs/text-lists.md).</summary>
    Url = 5,

    /// <summary>A whole host and its subdomains (url banks).</summary>
    Domain = 6,

    /// <summary>A keyword or phrase (keyword banks), matched after normalisation.</summary>
    Keyword = 7,

    /// <summary>Lower-case hex SHA-256 of a normalised URL's match key (url banks), so the plaintext need not be held.</summary>
    UrlSha256 = 8,
}

/// <summary>Text forms and value rules of <see cref="HashKind"/>.</summary>
public static class HashKinds
{
    /// <summary>Every kind's text form.</summary>
    public static IReadOnlyList<string> Names { get; } = ["pdq", "md5", "sha1", "sha256"];

    /// <summary>The stored and wire form: <c>pdq</c>, <c>md5</c>, <c>sha1</c> or <c>sha256</c>.</summary>
    public static string ToText(this HashKind kind) => kind switch
    {
        HashKind.Pdq => "pdq",
        HashKind.Md5 => "md5",
        HashKind.Sha1 => "sha1",
        HashKind.Sha256 => "sha256",
        HashKind.Url => "url",
        HashKind.Domain => "domain",
        HashKind.Keyword => "keyword",
        HashKind.UrlSha256 => "url-sha256",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a hash kind"),
    };

    /// <summary>True for the kinds text banks hold (url, domain, keyword, url-sha256).</summary>
    public static bool IsText(this HashKind kind) => kind is HashKind.Url or HashKind.Domain or HashKind.Keyword or HashKind.UrlSha256;

    /// <summary>Parses any stored kind, hash or text (case-insensitive).</summary>
    public static bool TryParseAny(string? text, out HashKind kind)
    {
        if (TryParse(text, out kind))
        {
            return true;
        }
        kind = text?.Trim().ToLowerInvariant() switch
        {
            "url" => HashKind.Url,
            "domain" => HashKind.Domain,
            "keyword" => HashKind.Keyword,
            "url-sha256" => HashKind.UrlSha256,
            _ => 0,
        };
        return kind != 0;
    }

    /// <summary>Parses the text form of a hash kind (case-insensitive); text kinds are refused.</summary>
    public static bool TryParse(string? text, out HashKind kind)
    {
        kind = text?.Trim().ToLowerInvariant() switch
        {
            "pdq" => HashKind.Pdq,
            "md5" => HashKind.Md5,
            "sha1" => HashKind.Sha1,
            "sha256" => HashKind.Sha256,
            _ => 0,
        };
        return kind != 0;
    }

    /// <summary>Hex digits in a value of <paramref name="kind"/>.</summary>
    public static int HexLength(this HashKind kind) => kind switch
    {
        HashKind.Pdq => Hash256.HexLength,
        HashKind.Md5 => 32,
        HashKind.Sha1 => 40,
        HashKind.Sha256 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a hash kind"),
    };

    /// <summary>
    /// Checks and normalises a hash value: surrounding space removed, lowercase hex of the right length.
    /// On failure <paramref name="error"/> says what is wrong without quoting the value.
    /// </summary>
    public static bool TryNormalize(HashKind kind, string? value, [NotNullWhen(true)] out string? normalized, [NotNullWhen(false)] out string? error)
    {
        normalized = null;
        var text = value.AsSpan().Trim();
        int expected = kind.HexLength();
        if (text.Length != expected)
        {
            error = $"a {kind.ToText()} hash is {expected} hex digits, got {text.Length} characters";
            return false;
        }
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                error = $"a {kind.ToText()} hash holds only hex digits (0-9, a-f)";
                return false;
            }
        }
        normalized = text.ToString().ToLowerInvariant();
        error = null;
        return true;
    }
}
