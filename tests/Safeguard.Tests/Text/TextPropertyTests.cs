// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>Seeded random properties (hand-rolled: deterministic, no extra dependency).</summary>
public class TextPropertyTests
{
    private const int Iterations = 400;
    private static readonly string[] s_noise = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u034F", "\u180E", "\uFE0F", "\U000E0020"];

    private static string RandomUrl(Random rng)
    {
        string[] schemes = ["http://", "https://", "HTTP://", "", "//"];
        string[] hosts = ["example.com", "WWW.Example.ORG", "bücher.example", "sub.example.net.", "192.0.2.1", "[2001:DB8::1]", "3221225985", "xn--bcher-kva.example"];
        const string pathChars = "abcXYZ019-._~!$&'()*+,;=:@/%? é/\\.";
        var sb = new StringBuilder();
        sb.Append(schemes[rng.Next(schemes.Length)]);
        if (rng.Next(5) == 0)
        {
            sb.Append("user:pw@");
        }
        sb.Append(hosts[rng.Next(hosts.Length)]);
        if (rng.Next(4) == 0)
        {
            sb.Append(':').Append(rng.Next(3) switch { 0 => 80, 1 => 443, _ => 8080 });
        }
        int length = rng.Next(0, 25);
        for (int i = 0; i < length; i++)
        {
            char c = pathChars[rng.Next(pathChars.Length)];
            if (c == '%' && rng.Next(2) == 0)
            {
                sb.Append('%').Append("0123456789abcdefABCDEF"[rng.Next(22)]).Append("0123456789abcdef"[rng.Next(16)]);
            }
            else
            {
                sb.Append(c);
            }
        }
        if (rng.Next(4) == 0)
        {
            sb.Append("#frag");
        }
        return sb.ToString();
    }

    [Fact]
    public void UrlNormalization_IsIdempotent()
    {
        var rng = new Random(1234);
        int normalised = 0;
        for (int i = 0; i < Iterations * 5; i++)
        {
            string input = RandomUrl(rng);
            if (!UrlNormalizer.TryNormalize(input, out var once, out _))
            {
                continue;
            }
            normalised++;
            Assert.True(UrlNormalizer.TryNormalize(once.ToString(), out var twice, out string? error), $"{input} -> {once}: {error}");
            Assert.Equal(once.ToString(), twice!.ToString());
            Assert.Equal(once.MatchKey(UrlListOptions.Default), twice.MatchKey(UrlListOptions.Default));
        }
        Assert.True(normalised > Iterations, "the generator should mostly produce normalisable URLs");
    }

    [Fact]
    public void KeywordViews_AreIdempotent()
    {
        var rng = new Random(99);
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789@$|!+ _-.ＡｂÜéа\u0301\u200B";
        for (int i = 0; i < Iterations; i++)
        {
            string s = new(Enumerable.Range(0, rng.Next(1, 20)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
            string v1 = KeywordNormalizer.BaseView(s);
            Assert.Equal(v1, KeywordNormalizer.BaseView(v1));
            var views = KeywordNormalizer.ViewsOfBase(v1);
            Assert.Equal(views.Skeleton, KeywordNormalizer.Skeleton(views.Skeleton));
            Assert.Equal(views.Leet, KeywordNormalizer.Leet(views.Leet));
            Assert.Equal(views.Collapsed, KeywordNormalizer.Collapse(views.Collapsed));
        }
    }

    [Fact]
    public void RemovedNoise_NeverLosesAKeywordHit()
    {
        var rng = new Random(7);
        string[] terms = ["bluecanary", "silverkite", "tallpoppy", "pinecone", "bluebird"];
        var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test", "v1"));
        foreach (string t in terms)
        {
            builder.AddKeyword("kw", t, t);
        }
        var lists = builder.Build();
        string[] filler = ["the", "quick", "walk", "today", "and", "then", "home", "river", "stone", "green"];
        for (int i = 0; i < Iterations; i++)
        {
            string term = terms[rng.Next(terms.Length)];
            var noisy = new StringBuilder();
            foreach (char c in term)
            {
                // Case changes, fullwidth forms and invisible characters: all removed by V1.
                char written = rng.Next(3) == 0 ? char.ToUpperInvariant(c) : c;
                noisy.Append(rng.Next(4) == 0 ? (char)(written + 0xFEE0) : written);
                if (rng.Next(3) == 0)
                {
                    noisy.Append(s_noise[rng.Next(s_noise.Length)]);
                }
            }
            string before = string.Join(' ', Enumerable.Range(0, rng.Next(0, 4)).Select(_ => filler[rng.Next(filler.Length)]));
            string after = string.Join(' ', Enumerable.Range(0, rng.Next(0, 4)).Select(_ => filler[rng.Next(filler.Length)]));
            string text = before + " " + noisy + ". " + after;
            var hits = lists.Scan(text).Hits;
            var hit = Assert.Single(hits, h => h.Entry.EntryId == term);
            Assert.Equal(1, hit.Keyword!.View);
            Assert.Equal(before.Length + 1, hit.Start);
            Assert.Equal(noisy.ToString().TrimEnd(s_noise.SelectMany(n => n).ToArray()), hit.Text.TrimEnd(s_noise.SelectMany(n => n).ToArray()));
        }
    }

    [Fact]
    public void RemovedNoise_NeverLosesAUrlHit()
    {
        var rng = new Random(11);
        var builder = new TextListBuilder().AddList(new TextListInfo("u", "test", "v1"));
        builder.AddUrl("u", "1", "http://example.com/gallery/photo1.jpg");
        var lists = builder.Build();
        const string written = "example.com/gallery/photo1.jpg";
        for (int i = 0; i < Iterations; i++)
        {
            var noisy = new StringBuilder();
            foreach (char c in written)
            {
                bool inHost = noisy.Length < 11;
                noisy.Append(inHost && rng.Next(4) == 0 && c != '.' ? char.ToUpperInvariant(c) : c);
                if (rng.Next(4) == 0 && noisy.Length < written.Length)
                {
                    noisy.Append(s_noise[rng.Next(s_noise.Length)]);
                }
            }
            string text = "look " + noisy + " ok";
            var hit = Assert.Single(lists.Scan(text).Hits);
            Assert.Equal("1", hit.Entry.EntryId);
            Assert.Equal(5, hit.Start);
        }
    }

    [Fact]
    public void FastScanner_AgreesWithTheReferencePipeline()
    {
        // Random entries and random disguises of them: the scanner's incremental hashes must find
        // exactly the candidates the string pipeline (KeywordNormalizer) says are equal.
        var rng = new Random(2024);
        const string letters = "abcdeghilmnopstz";
        var disguise = new Dictionary<char, string> { ['a'] = "a4@A", ['e'] = "e3E", ['i'] = "i1!|l", ['l'] = "l1|I", ['o'] = "o0O", ['s'] = "s5$", ['t'] = "t7+", ['z'] = "z2", ['g'] = "g69", ['b'] = "b8", ['m'] = "m" };
        for (int i = 0; i < Iterations; i++)
        {
            string term = new(Enumerable.Range(0, rng.Next(3, 12)).Select(_ => letters[rng.Next(letters.Length)]).ToArray());
            var written = new StringBuilder();
            foreach (char c in term)
            {
                string options = disguise.GetValueOrDefault(c, c.ToString());
                written.Append(options[rng.Next(options.Length)]);
                if (rng.Next(6) == 0)
                {
                    written.Append(written[^1]);
                }
            }
            var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test", "v1"));
            builder.AddKeyword("kw", "e", term);
            var lists = builder.Build();
            var entry = KeywordNormalizer.CompileEntry(term);
            var candidate = KeywordNormalizer.ViewsOfBase(KeywordNormalizer.BaseView(written.ToString()));
            int maxView = entry.Collapsed.Length < KeywordNormalizer.ShortEntryLength ? 2 : 4;
            int expected = Enumerable.Range(1, maxView).FirstOrDefault(v => candidate[v] == entry[v]);
            var hits = lists.Scan("x " + written + " y").Hits;
            if (expected == 0)
            {
                Assert.DoesNotContain(hits, h => h.Keyword!.Candidate is KeywordCandidateKind.Token or KeywordCandidateKind.Stripped && h.Start == 2);
            }
            else
            {
                var hit = Assert.Single(hits, h => h.Start == 2 && h.End == 2 + written.Length);
                Assert.Equal(expected, hit.Keyword!.View);
            }
        }
    }
}
