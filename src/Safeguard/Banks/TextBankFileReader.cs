// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Safeguard.Banks;

/// <summary>
/// Reads a text list file (docs/formats.md, "Text list file", as <see cref="Text.TextListFile"/>
/// reads it) into entries of a url or keyword bank: <c>url</c>, <c>domain</c>, <c>keyword</c> and
/// <c>sha256</c> (also written <c>url-sha256</c>) lines, blank lines and <c>#</c> comments skipped.
/// List settings (<c>category</c>, <c>option</c>) and the keyword and domain-digest variants are
/// refused with the line number: a bank carries its own category, and the server matches every
/// URL with the default options. Memory is bounded by <see cref="MaxLineLength"/>.
/// </summary>
public sealed class TextBankFileReader(TextReader reader, BankKind bankKind) : IBankEntryReader
{
    /// <summary>Longest line accepted: a URL of <see cref="Text.UrlNormalizer.MaxLength"/> plus its kind.</summary>
    public const int MaxLineLength = Text.UrlNormalizer.MaxLength + 64;

    private readonly BoundedLineReader _lines = new(reader ?? throw new ArgumentNullException(nameof(reader)), MaxLineLength);
    private readonly StringBuilder _line = new();

    /// <inheritdoc/>
    public long LineNumber => _lines.LineNumber;

    /// <inheritdoc/>
    public string FormatName => "list";

    /// <inheritdoc/>
    public bool TryReadNext(out NewBankEntry? entry, out BankFileError? error)
    {
        while (true)
        {
            entry = null;
            error = null;
            var state = _lines.Read(_line);
            if (state == LineState.End)
            {
                return false;
            }
            if (state == LineState.TooLong)
            {
                error = new BankFileError(LineNumber, "line", $"longer than {MaxLineLength} characters");
                return true;
            }
            string line = _line.ToString().Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            int space = line.AsSpan().IndexOfAny(' ', '\t');
            string kind = space < 0 ? line : line[..space];
            string value = space < 0 ? "" : line[(space + 1)..].Trim();
            HashKind? entryKind = kind switch
            {
                "url" => HashKind.Url,
                "domain" => HashKind.Domain,
                "keyword" => HashKind.Keyword,
                "sha256" or "url-sha256" => HashKind.UrlSha256,
                _ => null,
            };
            if (entryKind is null)
            {
                string reason = kind switch
                {
                    "category" or "option" => $"'{kind}' lines are list settings; a bank has its own category and the server matches URLs with the default options",
                    "keyword-substring" or "keyword-exact" or "sha256-domain" => $"'{kind}' entries are not supported in server banks yet",
                    _ => $"unknown entry kind: expected {string.Join(", ", bankKind.EntryKindNames().Select(k => k == "url-sha256" ? "sha256" : k))}",
                };
                error = new BankFileError(LineNumber, "kind", reason);
                return true;
            }
            if (value.Length == 0)
            {
                error = new BankFileError(LineNumber, "value", "a value is required after the kind");
                return true;
            }
            if (!TextEntryRules.TryCreate(bankKind, null, entryKind, value, null, null, null, out entry, out var field, out var message))
            {
                error = new BankFileError(LineNumber, field, message);
                entry = null;
            }
            return true;
        }
    }
}
