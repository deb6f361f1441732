// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Safeguard.Text;

namespace Safeguard.Tests.Text;

public class UnicodeNormalizerTests
{
    public static TheoryData<string, string, string> Vectors()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string line in File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "text", "normalization-vectors.txt")))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }
            var parts = line.Split(';', StringSplitOptions.TrimEntries);
            data.Add(FromHex(parts[0]), FromHex(parts[1]), FromHex(parts[2]));
        }
        return data;
    }

    private static string FromHex(string hex) =>
        string.Concat(hex.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(h => char.ConvertFromUtf32(int.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Normalize_MatchesPythonUnicodedata(string input, string nfd, string nfkc)
    {
        Assert.Equal(nfd, UnicodeNormalizer.Normalize(input, NormalizationKind.Nfd));
        Assert.Equal(nfkc, UnicodeNormalizer.Normalize(input, NormalizationKind.Nfkc));
    }

    [Fact]
    public void InvariantGlobalization_MakesTheBclNormalizeANoOp()
    {
        // Why Safeguard carries its own tables: with InvariantGlobalization (Directory.Build.props)
        // string.Normalize returns fullwidth text unchanged. If this starts failing, the BCL gained
        // invariant-mode normalisation and the bundled tables could be dropped.
        Assert.Equal("ＡＢＣ", "ＡＢＣ".Normalize(NormalizationForm.FormKC));
        Assert.Equal("ABC", UnicodeNormalizer.Normalize("ＡＢＣ", NormalizationKind.Nfkc));
    }

    [Fact]
    public void IdnMapping_UnderInvariantGlobalization_NeedsLowerCaseFirst()
    {
        // IdnMapping still produces punycode, but does not apply the UTS #46 case mapping:
        // the normaliser lower-cases (and applies NFKC) before calling it.
        Assert.Equal("xn--bcher-kva.example", new IdnMapping().GetAscii("bücher.example"));
        Assert.NotEqual("xn--bcher-kva.example", new IdnMapping().GetAscii("BÜCHER.example"));
        Assert.True(UrlNormalizer.TryNormalizeHost("ＢÜＣＨＥＲ.example", out string? host, out _));
        Assert.Equal("xn--bcher-kva.example", host);
    }

    [Fact]
    public void Mapped_KeepsOriginalSpans()
    {
        using var mapped = new MappedText();
        string text = "x\uFB01e\u0301\u200By";
        UnicodeNormalizer.AppendNormalized(text, 100, NormalizationKind.Nfkc, mapped, removeInvisible: true);
        Assert.Equal("xfiéy", mapped.ToString());
        Assert.Equal((101, 102), (mapped.StartOf(1), mapped.EndOf(1))); // f from the ligature
        Assert.Equal((101, 102), (mapped.StartOf(2), mapped.EndOf(2))); // i from the ligature
        Assert.Equal((102, 104), (mapped.StartOf(3), mapped.EndOf(3))); // e + combining acute composed
        Assert.Equal((105, 106), (mapped.StartOf(4), mapped.EndOf(4))); // y after the removed ZWSP
    }

    [Fact]
    public void DefaultIgnorable_CoversTheSpecList()
    {
        int[] listed = [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F, 0x200B, 0x200F, 0x202A, 0x202E,
            0x2060, 0x206F, 0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1BCA3, 0x1D173, 0x1D17A, 0xE0000, 0xE0FFF];
        Assert.All(listed, cp => Assert.True(TextCharacters.IsDefaultIgnorable(cp), cp.ToString("X4", CultureInfo.InvariantCulture)));
        int[] notListed = ['a', ' ', 0x00AC, 0x00AE, 0x200A, 0x2010, 0x2070, 0xFFF9, 0xE1000];
        Assert.All(notListed, cp => Assert.False(TextCharacters.IsDefaultIgnorable(cp), cp.ToString("X4", CultureInfo.InvariantCulture)));
    }
}
