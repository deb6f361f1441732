// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// Finds strategy-category hits in one message: lexicon phrases over the base, leet, collapsed and squeezed views, and
/// structured extractors (phone numbers and e-mail addresses, which signal a move to another channel). Thread-safe.
/// </summary>
public sealed class MessageDetector
{
    /// <summary>Longest message text accepted; longer text is an input error, never silently cut.</summary>
    public const int MaxTextLength = 10_000;
    private const int MinPhoneDigits = 7;
    private const int MaxPhoneDigits = 15;
    private readonly GroomingLexicon _lexicon;
    private readonly IChildSafetyTextNormaliser _normaliser;

    public MessageDetector(GroomingLexicon? lexicon = null)
        : this(lexicon ?? GroomingLexicon.Default, ChildSafetyTextNormalisers.Current)
    {
    }

    internal MessageDetector(GroomingLexicon lexicon, IChildSafetyTextNormaliser normaliser)
    {
        _lexicon = lexicon;
        _normaliser = normaliser;
    }

    public GroomingLexicon Lexicon => _lexicon;

    /// <exception cref="ArgumentException">The text is longer than <see cref="MaxTextLength"/>.</exception>
    public IReadOnlyList<CategoryHit> Detect(string messageId, string text)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxTextLength)
        {
            throw new ArgumentException($"message text is {text.Length} characters; the limit is {MaxTextLength}", nameof(text));
        }
        var normalised = _normaliser.Normalise(text);
        var tokens = Tokens.Tokenise(normalised.Text);
        var hits = new List<CategoryHit>();
        foreach (var pattern in _lexicon.Patterns)
        {
            foreach (var (first, count, view) in pattern.Matches(tokens))
            {
                var start = tokens[first].Start;
                var last = tokens[first + count - 1];
                var (s, l) = normalised.ToOriginal(start, last.Start + last.Length - start);
                hits.Add(new CategoryHit(pattern.Category, messageId, s, l, "phrase", pattern.Id, view));
            }
        }
        FindContactDetails(messageId, normalised, hits);
        return hits;
    }

    private static void FindContactDetails(string messageId, NormalisedText normalised, List<CategoryHit> hits)
    {
        var text = normalised.Text;
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsAsciiDigit(text[i]) || text[i] == '+' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1]))
            {
                var start = i;
                var digits = 0;
                var end = i;
                var groups = new List<int>();
                var run = 0;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is ' ' or '-' or '.' or '(' or ')' or '+' or '/'))
                {
                    if (char.IsAsciiDigit(text[i]))
                    {
                        digits++;
                        run++;
                        end = i + 1;
                    }
                    else if (run > 0)
                    {
                        groups.Add(run);
                        run = 0;
                    }
                    i++;
                }
                if (run > 0)
                {
                    groups.Add(run);
                }
                if (digits is >= MinPhoneDigits and <= MaxPhoneDigits && !LooksLikeDate(groups))
                {
                    var (s, l) = normalised.ToOriginal(start, end - start);
                    hits.Add(new CategoryHit(GroomingCategory.PlatformMove, messageId, s, l, "extractor:phone", "phone-number", MatchView.Base));
                }
                continue;
            }
            if (text[i] == '@' && i > 0 && char.IsLetterOrDigit(text[i - 1]))
            {
                var start = i;
                while (start > 0 && IsAddressChar(text[start - 1]))
                {
                    start--;
                }
                var end = i + 1;
                while (end < text.Length && IsAddressChar(text[end]))
                {
                    end++;
                }
                var domain = text[(i + 1)..end].TrimEnd('.');
                if (domain.Contains('.', StringComparison.Ordinal) && domain.Length >= 3)
                {
                    var (s, l) = normalised.ToOriginal(start, i + 1 + domain.Length - start);
                    hits.Add(new CategoryHit(GroomingCategory.PlatformMove, messageId, s, l, "extractor:email", "email-address", MatchView.Base));
                }
                i = end;
                continue;
            }
            i++;
        }
    }

    /// <summary>Dates such as 14.06.2025 or 2025-06-14 have enough digits to pass for a phone number.</summary>
    private static bool LooksLikeDate(List<int> groups) =>
        groups.Count == 3
        && (groups[2] == 4 && groups[0] <= 2 && groups[1] <= 2 || groups[0] == 4 && groups[1] <= 2 && groups[2] <= 2);

    private static bool IsAddressChar(char c) => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' or '+';
}
