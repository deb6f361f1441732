// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.ChildSafety.Conversations;
using static Safeguard.ChildSafety.Conversations.GroomingCategory;

namespace Safeguard.Tests.ChildSafety;

public class MessageDetectorTests
{
    private static readonly MessageDetector Detector = new();

    public static TheoryData<GroomingCategory, string, string> Obfuscated => new()
    {
        // category, text as sent, the part of it the hit must cover
        { AgeProbe, "so h0w 0ld r u??", "h0w 0ld r u" },
        { AgeProbe, "wh\u200Bat sch\u200Bool do you go to", "wh\u200Bat sch\u200Bool do you go" },
        { TrustFlattery, "ur sooo mature", "ur sooo mature" },
        { GiftOffer, "i can send u some c0ins later", "i can send u some c0ins" },
        { SecrecyIsolation, "ＤＯＮＴ ＴＥＬＬ your parents", "ＤＯＮＴ ＴＥＬＬ your parents" },
        { SecrecyIsolation, "keep it between us ok", "keep it between us" },
        // Circled letters need full NFKC (Safeguard.Text's normaliser); the minimal one missed them.
        { SecrecyIsolation, "ⓚⓔⓔⓟ ⓘⓣ ⓑⓔⓣⓦⓔⓔⓝ ⓤⓢ ok", "ⓚⓔⓔⓟ ⓘⓣ ⓑⓔⓣⓦⓔⓔⓝ ⓤⓢ" },
        { PlatformMove, "lets talk on another a-p-p", "lets talk on another a-p-p" },
        { PlatformMove, "txt me 07700 900123", "07700 900123" },
        { PlatformMove, "mail me at bluebird@example.com", "bluebird@example.com" },
        { ImageRequest, "send me a p i c of you", "send me a p i c of you" },
        { ImageRequest, "s3nd a s3lfie", "s3nd a s3lfie" },
        { MeetingLocation, "wh3re do u liiive", "wh3re do u liiive" },
        { AdultPresenceCheck, "r ur parents home", "r ur parents home" },
        { ComplianceTest, "reply within 5 mins", "reply within 5 mins" },
        { Coercion, "u owe me", "u owe me" },
    };

    [Theory]
    [MemberData(nameof(Obfuscated))]
    public void Detect_ObfuscatedPhrase_HitsCategoryWithSpanInOriginalText(GroomingCategory category, string text, string expectedSpan)
    {
        var hits = Detector.Detect("m1", text).Where(h => h.Category == category).ToList();
        Assert.NotEmpty(hits);
        var hit = hits[0];
        Assert.Equal("m1", hit.MessageId);
        Assert.Equal(expectedSpan, text.Substring(hit.Start, hit.Length));
    }

    [Fact]
    public void Detect_LeetMatch_ReportsTheLooserView()
    {
        var plain = Detector.Detect("m", "how old are you").Single(h => h.Category == AgeProbe);
        var leet = Detector.Detect("m", "h0w 0ld are you").Single(h => h.Category == AgeProbe);
        var squeezed = Detector.Detect("m", "send me a p i c of you").First(h => h.Category == ImageRequest);
        Assert.Equal(MatchView.Base, plain.View);
        Assert.Equal(MatchView.Leet, leet.View);
        Assert.Equal(MatchView.Squeezed, squeezed.View);
    }

    [Fact]
    public void Detect_EveryCuratedExample_HitsItsOwnCategory()
    {
        foreach (var category in Detector.Lexicon.Categories)
        {
            Assert.NotEmpty(category.Examples);
            foreach (var example in category.Examples)
            {
                var hits = Detector.Detect("m", example);
                Assert.True(hits.Any(h => h.Category == category.Category), $"{category.Category.Code()} example not detected: {example}");
            }
        }
    }

    [Fact]
    public void Lexicon_CoversEverySpecCategory()
    {
        Assert.Equal(GroomingCategories.All.Order(), Detector.Lexicon.Categories.Select(c => c.Category).Order());
    }

    [Theory]
    [InlineData("don't forget your homework is due on friday")]
    [InlineData("tell your parents the trip leaves at 8 from the school gate")]
    [InlineData("great match today, you played really well")]
    [InlineData("the party is on 14.06.2025 at grandma's")]
    [InlineData("can you pass me the blue pencil")]
    [InlineData("I'll pick you up at four, love mum")]
    [InlineData("our team meets at the field at 5")]
    [InlineData("lets go to the next level")]
    public void Detect_OrdinarySentence_HasNoHits(string text) => Assert.Empty(Detector.Detect("m", text));

    [Fact]
    public void Detect_TooLongText_IsRejectedNamingTheLimit()
    {
        var e = Assert.Throws<ArgumentException>(() => Detector.Detect("m", new string('a', MessageDetector.MaxTextLength + 1)));
        Assert.Contains("limit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Detect_HostileText_FinishesAndFindsNothing()
    {
        var junk = new StringBuilder();
        var random = new Random(7);
        while (junk.Length < MessageDetector.MaxTextLength - 2)
        {
            junk.Append((char)random.Next(0x20, 0x3000));
        }
        _ = Detector.Detect("m", junk.ToString());
        Assert.Empty(Detector.Detect("m", string.Concat(Enumerable.Repeat("a ", 4_000))));
    }

    [Theory]
    [InlineData("""{"format":"x","version":1,"categories":[]}""", "format must be")]
    [InlineData("""{"format":"safeguard-grooming-lexicon","version":2,"categories":[]}""", "version 2 is not supported")]
    [InlineData("""{"format":"safeguard-grooming-lexicon","version":1,"categories":[{"code":"nope","patterns":[]}]}""", "unknown category code 'nope'")]
    [InlineData("""{"format":"safeguard-grooming-lexicon","version":1,"categories":[{"code":"age_probe","patterns":[{"id":"X1","pattern":"how (old"}]}]}""", "'X1': unbalanced")]
    [InlineData("""{"format":"safeguard-grooming-lexicon","version":1,"categories":[{"code":"age_probe","patterns":[{"id":"X1","pattern":"How old"}]}]}""", "lower case")]
    [InlineData("""{"format":"safeguard-grooming-lexicon","version":1,"categories":[{"code":"age_probe","patterns":[{"id":"X1","pattern":"a"},{"id":"X1","pattern":"b"}]}]}""", "repeated")]
    public void Lexicon_Invalid_IsRejectedNamingTheProblem(string json, string expected)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var e = Assert.Throws<InvalidDataException>(() => GroomingLexicon.Load(stream));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lexicon_OwnPhraseTable_MatchesOnlyWhatItSays()
    {
        const string json = """
            {"format":"safeguard-grooming-lexicon","version":1,"language":"test",
             "categories":[{"code":"gift_offer","patterns":[{"id":"P1","pattern":"free (bluebird|pinecone) .. (for|4) (you|u)"}],"examples":[]}]}
            """;
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var detector = new MessageDetector(GroomingLexicon.Load(stream));
        Assert.Single(detector.Detect("m", "free pinecone token for u"));
        Assert.Single(detector.Detect("m", "fr33 bluebird 4 you"));
        Assert.Empty(detector.Detect("m", "free pinecone tokens and more stuff for you"));
        Assert.Empty(detector.Detect("m", "how old are you"));
    }
}
