// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Banks;

/// <summary>What a bank holds. Stored and sent by its text form (<see cref="BankKinds.ToText"/>).</summary>
public enum BankKind
{
    /// <summary>Image hashes: pdq, md5, sha1, sha256. Matched by <c>POST /v1/check</c>.</summary>
    Hash = 1,

    /// <summary>URL list entries: url, domain, url-sha256. Matched by <c>POST /v1/check/text</c>.</summary>
    Url = 2,

    /// <summary>Keyword list entries: keyword. Matched by <c>POST /v1/check/text</c>.</summary>
    Keyword = 3,
}

/// <summary>Text forms of <see cref="BankKind"/> and which entry kinds each holds.</summary>
public static class BankKinds
{
    /// <summary>Every bank kind's text form.</summary>
    public static IReadOnlyList<string> Names { get; } = ["hash", "url", "keyword"];

    /// <summary>The stored and wire form.</summary>
    public static string ToText(this BankKind kind) => kind switch
    {
        BankKind.Hash => "hash",
        BankKind.Url => "url",
        BankKind.Keyword => "keyword",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a bank kind"),
    };

    /// <summary>Parses the text form (case-insensitive).</summary>
    public static bool TryParse(string? text, out BankKind kind)
    {
        kind = text?.Trim().ToLowerInvariant() switch
        {
            "hash" => BankKind.Hash,
            "url" => BankKind.Url,
            "keyword" => BankKind.Keyword,
            _ => 0,
        };
        return kind != 0;
    }

    /// <summary>True for banks matched against text (url and keyword banks).</summary>
    public static bool IsText(this BankKind kind) => kind is BankKind.Url or BankKind.Keyword;

    /// <summary>The entry kinds a bank of <paramref name="kind"/> holds, as text.</summary>
    public static IReadOnlyList<string> EntryKindNames(this BankKind kind) => kind switch
    {
        BankKind.Url => ["url", "domain", "url-sha256"],
        BankKind.Keyword => ["keyword"],
        _ => HashKinds.Names,
    };

    /// <summary>True when a bank of <paramref name="bank"/> kind may hold entries of <paramref name="entry"/> kind.</summary>
    public static bool Holds(this BankKind bank, HashKind entry) => bank switch
    {
        BankKind.Url => entry is HashKind.Url or HashKind.Domain or HashKind.UrlSha256,
        BankKind.Keyword => entry is HashKind.Keyword,
        _ => !entry.IsText(),
    };
}
