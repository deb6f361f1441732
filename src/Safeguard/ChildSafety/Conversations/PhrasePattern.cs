// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Conversations;

/// <summary>
/// A compiled lexicon pattern over tokens. Syntax: words separated by spaces; <c>(a|b c)</c> alternatives, each one or
/// more words; <c>(…)?</c> optional group; <c>word*</c> prefix; <c>#num</c> a number token; <c>..</c> a gap of up to
/// three tokens; <c>$</c> end of message. Apostrophes are not written ("dont", "youre"): the tokeniser drops them.
/// </summary>
internal sealed class PhrasePattern
{
    private const int MaxGap = 3;
    private const int MaxGapsPerPattern = 3;
    private readonly Element[] _elements;

    private PhrasePattern(string id, GroomingCategory category, Element[] elements)
    {
        Id = id;
        Category = category;
        _elements = elements;
    }

    public string Id { get; }

    public GroomingCategory Category { get; }

    /// <exception cref="FormatException">The pattern is malformed; the message names the pattern id and the problem.</exception>
    public static PhrasePattern Compile(string id, GroomingCategory category, string pattern)
    {
        var elements = new List<Element>();
        var gaps = 0;
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            if (c == ' ')
            {
                i++;
                continue;
            }
            if (c == '(')
            {
                var close = pattern.IndexOf(')', i + 1);
                if (close < 0 || pattern.IndexOf('(', i + 1, close - i - 1) >= 0)
                {
                    throw new FormatException($"lexicon pattern '{id}': unbalanced or nested parentheses at {i}");
                }
                var alternatives = pattern[(i + 1)..close].Split('|')
                    .Select(a => ParseWords(id, a))
                    .ToArray();
                var optional = close + 1 < pattern.Length && pattern[close + 1] == '?';
                elements.Add(new Element(ElementKind.Group, alternatives, optional));
                i = close + (optional ? 2 : 1);
                continue;
            }
            var end = pattern.IndexOf(' ', i);
            end = end < 0 ? pattern.Length : end;
            var word = pattern[i..end];
            if (word == "..")
            {
                if (++gaps > MaxGapsPerPattern)
                {
                    throw new FormatException($"lexicon pattern '{id}': more than {MaxGapsPerPattern} gaps");
                }
                elements.Add(new Element(ElementKind.Gap, [], false));
            }
            else if (word == "$")
            {
                elements.Add(new Element(ElementKind.End, [], false));
            }
            else
            {
                elements.Add(new Element(ElementKind.Group, [ParseWords(id, word)], false));
            }
            i = end;
        }
        if (!elements.Any(e => e.Kind == ElementKind.Group && !e.Optional))
        {
            throw new FormatException($"lexicon pattern '{id}': needs at least one required word");
        }
        return new PhrasePattern(id, category, [.. elements]);
    }

    /// <summary>Finds non-overlapping matches: (first token, token count, loosest view used).</summary>
    public IEnumerable<(int First, int Count, MatchView View)> Matches(IReadOnlyList<Token> tokens)
    {
        var start = 0;
        while (start < tokens.Count)
        {
            var view = MatchView.Base;
            var end = Match(tokens, 0, start, ref view);
            if (end > start)
            {
                yield return (start, end - start, view);
                start = end;
            }
            else
            {
                start++;
            }
        }
    }

    private int Match(IReadOnlyList<Token> tokens, int element, int position, ref MatchView view)
    {
        if (element == _elements.Length)
        {
            return position;
        }
        var e = _elements[element];
        switch (e.Kind)
        {
            case ElementKind.End:
                return position == tokens.Count ? Match(tokens, element + 1, position, ref view) : -1;
            case ElementKind.Gap:
                for (var skip = 0; skip <= MaxGap && position + skip <= tokens.Count; skip++)
                {
                    var v = view;
                    var end = Match(tokens, element + 1, position + skip, ref v);
                    if (end >= 0)
                    {
                        view = v;
                        return end;
                    }
                }
                return -1;
            default:
                foreach (var words in e.Alternatives)
                {
                    var v = view;
                    if (MatchWords(tokens, words, position, ref v, out var wordsEnd))
                    {
                        var end = Match(tokens, element + 1, wordsEnd, ref v);
                        if (end >= 0)
                        {
                            view = v;
                            return end;
                        }
                    }
                }
                return e.Optional ? Match(tokens, element + 1, position, ref view) : -1;
        }
    }

    private static bool MatchWords(IReadOnlyList<Token> tokens, Word[] words, int position, ref MatchView view, out int end)
    {
        end = position;
        foreach (var word in words)
        {
            if (end >= tokens.Count)
            {
                return false;
            }
            var matched = word.Match(tokens[end]);
            if (matched is not null)
            {
                end++;
            }
            else if (word.MatchSpaced(tokens, end, out var consumed) is { } spaced)
            {
                matched = spaced;
                end += consumed;
            }
            else
            {
                return false;
            }
            if (matched.Value > view)
            {
                view = matched.Value;
            }
        }
        return true;
    }

    private static Word[] ParseWords(string id, string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new FormatException($"lexicon pattern '{id}': empty alternative");
        }
        return [.. parts.Select(p => Word.Parse(id, p))];
    }

    private enum ElementKind
    {
        Group,
        Gap,
        End,
    }

    private sealed record Element(ElementKind Kind, Word[][] Alternatives, bool Optional);

    private sealed class Word
    {
        private readonly Token _form;
        private readonly bool _prefix;
        private readonly bool _number;

        private Word(Token form, bool prefix, bool number)
        {
            _form = form;
            _prefix = prefix;
            _number = number;
        }

        public static Word Parse(string id, string text)
        {
            if (text == "#num")
            {
                return new Word(default, prefix: false, number: true);
            }
            var prefix = text.EndsWith('*');
            var body = prefix ? text[..^1] : text;
            if (body.Length == 0 || body.Any(c => !char.IsLetterOrDigit(c)) || !Tokens.TryMake(body, 0, out var form))
            {
                throw new FormatException($"lexicon pattern '{id}': '{text}' is not a lower-case word, word*, or #num");
            }
            if (body.Any(char.IsUpper))
            {
                throw new FormatException($"lexicon pattern '{id}': '{text}' must be written in lower case");
            }
            return new Word(form, prefix, number: false);
        }

        public MatchView? Match(Token token)
        {
            if (_number)
            {
                return token.Base.All(char.IsAsciiDigit) ? MatchView.Base : null;
            }
            if (Same(token.Base, _form.Base))
            {
                return MatchView.Base;
            }
            if (Same(token.Leet, _form.Leet))
            {
                return MatchView.Leet;
            }
            return Same(token.Collapsed, _form.Collapsed) ? MatchView.Collapsed : null;
        }

        /// <summary>
        /// Matches the word against spaced-out letters ("p i c", "a-p-p"): two or more one-character tokens, inside a run
        /// of at least three, whose concatenation is the word in some view. Returns the squeezed view and the tokens used.
        /// </summary>
        public MatchView? MatchSpaced(IReadOnlyList<Token> tokens, int position, out int consumed)
        {
            consumed = 0;
            if (_number)
            {
                return null;
            }
            // Only inside a run of three or more single characters ("s e n d  m e"), so that "u r" alone stays two words.
            var runStart = position;
            while (runStart > 0 && tokens[runStart - 1].Base.Length == 1)
            {
                runStart--;
            }
            var runEnd = position;
            while (runEnd < tokens.Count && tokens[runEnd].Base.Length == 1)
            {
                runEnd++;
            }
            if (runEnd - runStart < 3)
            {
                return null;
            }
            var joined = new System.Text.StringBuilder();
            var limit = _form.Base.Length + 2;
            for (var i = position; i < runEnd && i - position < limit; i++)
            {
                joined.Append(tokens[i].Base);
                if (i - position >= 1 && Tokens.TryMake(joined.ToString(), 0, out var candidate) && Match(candidate) is not null)
                {
                    // Keep the longest: "a-p-p" is "app", though "a-p" already equals it in the collapsed view.
                    consumed = i - position + 1;
                }
            }
            return consumed > 0 ? MatchView.Squeezed : null;
        }

        private bool Same(string text, string form) =>
            _prefix ? text.StartsWith(form, StringComparison.Ordinal) : string.Equals(text, form, StringComparison.Ordinal);
    }
}
