// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Text;

/// <summary>A line of a list file that was refused.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Message">What is wrong with it (never the line's content).</param>
public sealed record TextListFileError(int Line, string Message);

/// <summary>
/// Reads the plain-text list file format, version 1 (docs/formats.md, "Text list file"):
/// one entry per line, <c>url</c>, <c>domain</c>, <c>keyword</c>, <c>keyword-substring</c>,
/// <c>keyword-exact</c>, <c>sha256</c>, <c>sha256-domain</c>; list settings <c>category</c> and
/// <c>option</c> before the first entry; blank lines and <c>#</c> comments ignored.
/// Entry ids are the line numbers.
/// </summary>
public static class TextListFile
{
    /// <summary>Format version this reader implements.</summary>
    public const int FormatVersion = 1;

    /// <summary>Category used when the file names none.</summary>
    public const string DefaultCategory = "platform";

    /// <summary>
    /// Adds the entries of one list file to <paramref name="builder"/> as list <paramref name="listId"/>.
    /// Returns every refused line; good lines are added even when others are refused, so a caller
    /// that must not run with a partial list checks the result first.
    /// </summary>
    public static IReadOnlyList<TextListFileError> Load(TextReader reader, string listId, string version, TextListBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(builder);
        var errors = new List<TextListFileError>();
        string category = DefaultCategory;
        var query = UrlQueryMode.Keep;
        var pathCase = UrlPathCase.Preserve;
        bool declared = false;
        int lineNumber = 0;
        while (reader.ReadLine() is { } raw)
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            int space = line.IndexOfAny([' ', '\t']);
            string kind = space < 0 ? line : line[..space];
            string value = space < 0 ? "" : line[(space + 1)..].Trim();
            if (value.Length == 0)
            {
                errors.Add(new(lineNumber, $"'{Safe(kind)}' needs a value after it"));
                continue;
            }
            if (kind is "category" or "option")
            {
                if (declared)
                {
                    errors.Add(new(lineNumber, $"'{kind}' must come before the first entry (it applies to the whole list)"));
                    continue;
                }
                if (kind == "category")
                {
                    category = value;
                }
                else if (!TryOption(value, ref query, ref pathCase, out string? optionError))
                {
                    errors.Add(new(lineNumber, optionError));
                }
                continue;
            }
            if (!declared)
            {
                builder.AddList(new TextListInfo(listId, category, version, new UrlListOptions(query, pathCase)));
                declared = true;
            }
            string id = lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string? error;
            bool ok = kind switch
            {
                "url" => builder.TryAddUrl(listId, id, value, out error),
                "domain" => builder.TryAddDomain(listId, id, value, out error),
                "keyword" => builder.TryAddKeyword(listId, id, value, KeywordEntryOptions.Default, out error),
                "keyword-substring" => builder.TryAddKeyword(listId, id, value, new KeywordEntryOptions(Substring: true), out error),
                "keyword-exact" => builder.TryAddKeyword(listId, id, value, new KeywordEntryOptions(Variants: false), out error),
                "sha256" => builder.TryAddUrlDigest(listId, id, value, out error),
                "sha256-domain" => builder.TryAddDomainDigest(listId, id, value, out error),
                _ => Unknown(kind, out error),
            };
            if (!ok)
            {
                errors.Add(new(lineNumber, error!));
            }
        }
        if (!declared)
        {
            builder.AddList(new TextListInfo(listId, category, version, new UrlListOptions(query, pathCase)));
        }
        return errors;
    }

    private static bool TryOption(string value, ref UrlQueryMode query, ref UrlPathCase pathCase, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)
    {
        error = null;
        var parts = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        switch (parts)
        {
            case ["query", "keep"]:
                query = UrlQueryMode.Keep;
                return true;
            case ["query", "ignore"]:
                query = UrlQueryMode.Ignore;
                return true;
            case ["path-case", "preserve"]:
                pathCase = UrlPathCase.Preserve;
                return true;
            case ["path-case", "fold"]:
                pathCase = UrlPathCase.Fold;
                return true;
            default:
                error = "unknown option: expected 'option query keep|ignore' or 'option path-case preserve|fold'";
                return false;
        }
    }

    private static bool Unknown(string kind, out string? error)
    {
        error = $"unknown entry kind '{Safe(kind)}': expected url, domain, keyword, keyword-substring, keyword-exact, sha256 or sha256-domain";
        return false;
    }

    /// <summary>Kinds are echoed in errors; keep them short and printable so a stray term never lands in a log whole.</summary>
    private static string Safe(string kind) => kind.Length <= 20 && kind.All(c => c is >= '!' and <= '~') ? kind : "(unreadable)";
}
