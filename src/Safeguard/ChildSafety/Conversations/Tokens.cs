// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;

namespace Safeguard.ChildSafety.Conversations;

/// <summary>A token of the base view with its derived leet and collapsed forms and its span in the normalised text.</summary>
internal readonly record struct Token(int Start, int Length, string Base, string Leet, string Collapsed);

internal static class Tokens
{
    /// <summary>Tokenises a base view (keywords spec C.2 step 4). Spaced-out letters are joined at match time.</summary>
    public static List<Token> Tokenise(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text, i))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && IsTokenChar(text, i))
            {
                i++;
            }
            if (TryMake(text.AsSpan(start, i - start), start, out var token))
            {
                tokens.Add(token);
            }
        }
        return tokens;
    }

    /// <summary>The three forms of one word as a pattern or a message would have it.</summary>
    public static bool TryMake(ReadOnlySpan<char> raw, int start, out Token token)
    {
        var plain = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (!IsApostrophe(c))
            {
                plain.Append(c);
            }
        }
        var basic = plain.ToString().Trim(LookAlikes);
        if (basic.Length == 0)
        {
            token = default;
            return false;
        }
        var leetSource = plain.ToString().TrimEnd('!');
        var leet = HasLetter(leetSource) ? MapLeet(leetSource) : basic;
        token = new Token(start, raw.Length, basic, leet, Collapse(leet));
        return true;
    }

    private static readonly char[] LookAlikes = ['@', '$', '|', '!', '+'];

    private static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '`';

    private static bool IsTokenChar(string text, int i)
    {
        var c = text[i];
        if (char.IsLetterOrDigit(c) || IsApostrophe(c) || Array.IndexOf(LookAlikes, c) >= 0)
        {
            return true;
        }
        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLetterOrDigit(text, i);
        }
        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]) && char.IsLetterOrDigit(text, i - 1);
        }
        var category = char.GetUnicodeCategory(c);
        return category is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;
    }

    private static bool HasLetter(string s)
    {
        foreach (var c in s)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Leet classes of keywords spec C.2 step 7: each member maps to its class representative.</summary>
    private static string MapLeet(string s)
    {
        var chars = s.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = chars[i] switch
            {
                '4' or '@' => 'a',
                '8' => 'b',
                '3' => 'e',
                '6' or '9' => 'g',
                'l' or '1' or '|' or '!' => 'i',
                '0' => 'o',
                '5' or '$' => 's',
                '7' or '+' => 't',
                '2' => 'z',
                var c => c,
            };
        }
        return new string(chars);
    }

    /// <summary>Reduces every run of one character to a single character (keywords spec C.2 step 8).</summary>
    public static string Collapse(string s)
    {
        if (s.Length < 2)
        {
            return s;
        }
        var builder = new StringBuilder(s.Length);
        var previous = '\0';
        foreach (var c in s)
        {
            if (c != previous)
            {
                builder.Append(c);
            }
            previous = c;
        }
        return builder.ToString();
    }
}
