// SPDX-License-Identifier: Apache-2.0
using Safeguard.Text;

namespace Safeguard.Tests.Text;

/// <summary>The worked examples of specs/keywords.md C.7 (placeholder terms only) and the C.8 families.</summary>
public class KeywordSpecTests
{
    internal static readonly TextListSnapshot Lexicon = BuildLexicon();

    private static TextListSnapshot BuildLexicon()
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test-keywords", "v1"));
        builder.AddKeyword("kw", "bluecanary", "bluecanary")
            .AddKeyword("kw", "silverkite", "silver kite")
            .AddKeyword("kw", "tallpoppy", "tallpoppy");
        return builder.Build();
    }

    // Entry table of C.7: V1..V4 of each entry.
    [Theory]
    [InlineData("bluecanary", "bluecanary", "bluecanary", "biuecanary", "biuecanary")]
    [InlineData("silverkite", "silverkite", "silverkite", "siiverkite", "siverkite")]
    [InlineData("silver kite", "silverkite", "silverkite", "siiverkite", "siverkite")]
    [InlineData("tallpoppy", "tallpoppy", "tallpoppy", "taiipoppy", "taipopy")]
    public void CompileEntry_SpecEntryTable(string term, string v1, string v2, string v3, string v4)
    {
        var views = KeywordNormalizer.CompileEntry(term);
        Assert.Equal(new KeywordViews(v1, v2, v3, v4), views);
    }

    // Rows of C.7: text as written, expected entry (null = no match), expected view.
    public static TheoryData<int, string, string?, int> TableC7 => new()
    {
        { 1, "BlueCanary", "bluecanary", 1 },
        { 2, "ＢｌｕｅＣａｎａｒｙ", "bluecanary", 1 },
        { 3, "𝐛𝐥𝐮𝐞𝐜𝐚𝐧𝐚𝐫𝐲", "bluecanary", 1 },
        { 4, "blue\u200Bcanary", "bluecanary", 1 },
        { 5, "blue\u00ADcanary", "bluecanary", 1 },
        { 6, "bluec\u0430nary", "bluecanary", 2 },
        { 7, "BLUEC\u0410NARY", "bluecanary", 2 },
        { 8, "b1uecanary", "bluecanary", 2 },
        { 9, "b|uecanary", "bluecanary", 2 },
        { 10, "blu3c4n4ry", "bluecanary", 3 },
        { 11, "$ilverkite", "silverkite", 3 },
        { 12, "5ilverkite", "silverkite", 3 },
        { 13, "s1lverkite", "silverkite", 3 },
        { 14, "silv3rk1t3", "silverkite", 3 },
        { 15, "5i1v3rk1t3", "silverkite", 3 },
        { 16, "SILVERK|TE!", "silverkite", 3 },
        { 17, "bluecanaaaaary", "bluecanary", 4 },
        { 18, "taaallpoppyyy", "tallpoppy", 4 },
        { 19, "tallpoppy", "tallpoppy", 1 },
        { 20, "b l u e c a n a r y", "bluecanary", 1 },
        { 21, "b.l.u.e.c.a.n.a.r.y", "bluecanary", 1 },
        { 22, "s-i-l-v-e-r-k-i-t-e", "silverkite", 1 },
        { 23, "blue canary", "bluecanary", 1 },
        { 24, "silver_kite", "silverkite", 1 },
        { 25, "Silver  Kite", "silverkite", 1 },
        { 26, "bluecanaries", null, 0 },
        { 27, "the blue sky; canary yellow", null, 0 },
        { 28, "silverkitesurfing", null, 0 },
        { 29, "bluecanary2024", null, 0 },
        { 30, "meet at 10", null, 0 },
    };

    [Theory]
    [MemberData(nameof(TableC7))]
    public void Scan_SpecTableC7_MatchesInTheStatedView(int row, string text, string? entry, int view)
    {
        _ = row;
        var hits = Lexicon.Scan(text).Hits;
        if (entry is null)
        {
            Assert.Empty(hits);
            return;
        }
        var hit = Assert.Single(hits);
        Assert.Equal(TextHitKind.Keyword, hit.Kind);
        Assert.Equal(entry, hit.Entry.EntryId);
        Assert.Equal(view, hit.Keyword!.View);
        // The span covers the disguised word in the original text.
        Assert.Equal(text[hit.Start..hit.End], hit.Text);
        Assert.Equal(text.TrimEnd('!'), text[hit.Start..(row == 16 ? hit.End + 1 : hit.End)].TrimEnd('!'));
    }

    // The intermediate views the C.7 table shows for rows whose cells are filled in.
    [Theory]
    [InlineData("bluec\u0430nary", "bluecanary")]
    [InlineData("b1uecanary", "bluecanary")]
    [InlineData("s1lverkite", "sllverkite")]
    [InlineData("silv3rk1t3", "silv3rklt3")]
    [InlineData("5i1v3rk1t3", "5ilv3rklt3")]
    [InlineData("silverk|te", "silverklte")]
    [InlineData("bluecanary2024", "bluecanary2o24")]
    [InlineData("meet", "rneet")]
    [InlineData("10", "lo")]
    public void Skeleton_SpecTableC7_IntermediateViews(string v1, string v2) => Assert.Equal(v2, KeywordNormalizer.Skeleton(v1));

    [Theory]
    [InlineData("bluecanary2024", "biuecanaryzoza", "biuecanaryzoza")]
    [InlineData("taaallpoppyyy", "taaaiipoppyyy", "taipopy")]
    [InlineData("bluecanaaaaary", "biuecanaaaaary", "biuecanary")]
    public void LeetAndCollapse_SpecTableC7(string v1, string v3, string v4)
    {
        var views = KeywordNormalizer.ViewsOfBase(v1);
        Assert.Equal(v3, views.Leet);
        Assert.Equal(v4, views.Collapsed);
    }

    [Fact]
    public void Substring_EntryMarkedSubstring_FoundInsideTokens()
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test", "v1"));
        builder.AddKeyword("kw", "sk", "silverkite", new KeywordEntryOptions(Substring: true));
        builder.AddKeyword("kw", "bc", "bluecanary", new KeywordEntryOptions(Substring: true));
        var lists = builder.Build();
        var hit = Assert.Single(lists.Scan("we went silverkitesurfing").Hits);
        Assert.Equal(KeywordCandidateKind.Substring, hit.Keyword!.Candidate);
        Assert.Equal("silverkite", hit.Text);
        var tag = Assert.Single(lists.Scan("#bluecanary2024").Hits);
        Assert.Equal("bc", tag.Entry.EntryId);
        Assert.Equal("bluecanary", tag.Text);
    }

    [Fact]
    public void ShortEntries_MatchOnlyWholeTokensInV1AndV2()
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test", "v1"));
        builder.AddKeyword("kw", "owl", "owl");
        var lists = builder.Build();
        Assert.Single(lists.Scan("an OWL here").Hits);
        Assert.Single(lists.Scan("an 0wl here").Hits); // 0 -> o is a skeleton (V2) mapping
        Assert.Empty(lists.Scan("o w l").Hits); // squeezed
        Assert.Empty(lists.Scan("ow l").Hits); // joined
        Assert.Empty(lists.Scan("owwwl").Hits); // collapsed (V4)
    }

    [Fact]
    public void ExactEntries_MatchOnlyTheBaseView()
    {
        var builder = new TextListBuilder().AddList(new TextListInfo("kw", "test", "v1"));
        builder.AddKeyword("kw", "x", "bluecanary", new KeywordEntryOptions(Variants: false));
        var lists = builder.Build();
        Assert.Single(lists.Scan("BLUECANARY").Hits);
        Assert.Empty(lists.Scan("b1uecanary").Hits);
    }

    public static TheoryData<string, string> ObfuscationFamilies()
    {
        var data = new TheoryData<string, string>();
        foreach (string term in new[] { "bluecanary", "silverkite", "tallpoppy" })
        {
            data.Add(term, Fullwidth(term));
            data.Add(term, MathBold(term));
            data.Add(term, MathItalicSansSerif(term));
            foreach (int zw in new[] { 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x034F, 0x180E, 0xFE0F, 0xE0041 })
            {
                data.Add(term, term[..3] + char.ConvertFromUtf32(zw) + term[3..]);
            }
            data.Add(term, term.Replace('a', '\u0430').Replace('e', '\u0435').Replace('o', '\u043E').Replace('p', '\u0440').Replace('c', '\u0441'));
            data.Add(term, term.Replace('o', '\u03BF').Replace('i', '\u03B9'));
            data.Add(term, term.Replace("a", "4", StringComparison.Ordinal));
            data.Add(term, term.Replace("a", "@", StringComparison.Ordinal));
            data.Add(term, term.Replace("e", "3", StringComparison.Ordinal));
            data.Add(term, term.Replace("i", "!", StringComparison.Ordinal));
            data.Add(term, term.Replace("l", "1", StringComparison.Ordinal));
            data.Add(term, term.Replace("l", "|", StringComparison.Ordinal));
            data.Add(term, term.Replace("o", "0", StringComparison.Ordinal));
            data.Add(term, term.Replace("t", "7", StringComparison.Ordinal).Replace("s", "$", StringComparison.Ordinal));
            data.Add(term, term.Replace("t", "+", StringComparison.Ordinal).Replace("s", "5", StringComparison.Ordinal));
            data.Add(term, string.Concat(term.Select(c => new string(c, 3))));
            data.Add(term, string.Join(' ', term.ToCharArray()));
            data.Add(term, string.Join('.', term.ToCharArray()));
            data.Add(term, string.Join('-', term.ToCharArray()));
            data.Add(term, term[..4] + " " + term[4..]);
            data.Add(term, term[..4] + "_" + term[4..]);
            data.Add(term, term.ToUpperInvariant());
        }
        return data;

        static string Fullwidth(string s) => string.Concat(s.Select(c => (char)(c - 'a' + 0xFF41)));
        static string MathBold(string s) => string.Concat(s.Select(c => char.ConvertFromUtf32(0x1D41A + c - 'a')));
        static string MathItalicSansSerif(string s) => string.Concat(s.Select(c => char.ConvertFromUtf32(0x1D622 + c - 'a')));
    }

    [Theory]
    [MemberData(nameof(ObfuscationFamilies))]
    public void Scan_EveryObfuscationFamily_StillMatches(string entry, string written)
    {
        var hits = Lexicon.Scan("look: " + written + " ok").Hits;
        Assert.Contains(hits, h => h.Entry.EntryId == entry);
    }

    [Theory]
    [InlineData("The blue bird sat on a canary-yellow fence.")]
    [InlineData("Silver linings and kites in the park; tall poplars too.")]
    [InlineData("Meet me at 10 by the poppy field, bring a blue kite.")]
    [InlineData("b l u e is a colour, c a n is a verb")]
    [InlineData("Canary Wharf is silver-grey at night.")]
    public void Scan_OrdinarySentences_DoNotMatch(string sentence) => Assert.Empty(Lexicon.Scan(sentence).Hits);
}
