// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using SkiaSharp;
using static Safeguard.Imaging.Tests.TestImages;

namespace Safeguard.Imaging.Tests;

/// <summary>
/// Every supported format and colour layout, built from reference images whose expected hash is
/// known, so that each decode path must reproduce the correctly converted pixels (specs/pdq.md §14).
/// </summary>
public class FormatTests
{
    // specs/pdq.md §14: the properly converted bridge photo (P.png, 1.png, CMYK.jpg under Safeguard's policy).
    private const string BridgeConverted = "f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596221e1d33e6b39c4e9c9b22";
    private const string I16Scaled = "628dbaa85045ffef9b101e3214f156c24b1dbefba74d25a5c90d046c6b54e536";

    private static readonly ImageHasher Hma = new();

    private static string Pytx(string file) => ReferenceCsv.Read("pytx-hma-pipeline.csv").Single(r => r["file"] == file)["hash"];

    private static void AssertHash(string expected, byte[] file, string format, int tolerance = 0)
    {
        var result = Hma.Hash(file);
        Assert.Equal(format, result.Format);
        int distance = Hash256.Parse(expected).DistanceTo(result.Pdq);
        Assert.True(distance <= tolerance, $"{format}: distance {distance} > {tolerance} ({result.Pdq})");
        Assert.False(result.TooSmall);
    }

    [Theory]
    [InlineData("misc-images/modes/P.png", BridgeConverted)]
    [InlineData("misc-images/modes/1.png", BridgeConverted)]
    [InlineData("python-threatexchange-resources/I16.png", I16Scaled)]
    public void HmaDefectRows_LosslessFiles_GetCorrectlyConvertedHash(string file, string expected)
    {
        var result = Hma.Hash(ReadData(file));
        Assert.Equal(expected, result.Pdq.ToString());
        Assert.Equal(100, result.Quality);
    }

    [Fact]
    public void CmykJpeg_IsConvertedToRgbNotReadAsCmy()
    {
        var result = Hma.Hash(ReadData("misc-images/modes/CMYK.jpg"));
        Assert.True(Hash256.Parse(BridgeConverted).DistanceTo(result.Pdq) <= 4, result.Pdq.ToString());
        Assert.InRange(result.Quality, 98, 100);
    }

    [Fact]
    public void Bmp24_MatchesThePngItWasMadeFrom()
    {
        var rgba = Decode(ReadData("misc-images/modes/RGBA.png"));
        AssertHash(Pytx("misc-images/modes/RGBA.png"), Bmp24(rgba), "bmp");
    }

    [Fact]
    public void Gif_FirstFramePaletteIsLookedUp()
    {
        var pixels = Decode(ReadData("misc-images/modes/P.png"));
        var (palette, indices) = Palettize(pixels);
        AssertHash(BridgeConverted, Gif(pixels.Width, pixels.Height, palette, indices), "gif");
    }

    [Fact]
    public void WebPLossless_IsExact_WebPLossy_IsClose()
    {
        var rgba = Decode(ReadData("misc-images/modes/RGBA.png"));
        string expected = Pytx("misc-images/modes/RGBA.png");
        AssertHash(expected, WebPLossless(rgba), "webp");
        AssertHash(expected, Encode(rgba, SKEncodedImageFormat.Webp, 90), "webp", tolerance: 10);
    }

    [Fact]
    public void GreyPngAndJpeg_MatchTheGreyReference()
    {
        var grey = Decode(ReadData("misc-images/modes/L.png"));
        string expected = Pytx("misc-images/modes/L.png");
        AssertHash(expected, EncodeGrey(grey, SKEncodedImageFormat.Png), "png");
        AssertHash(expected, EncodeGrey(grey, SKEncodedImageFormat.Jpeg, 95), "jpeg", tolerance: 10);
    }

    [Fact]
    public void ProgressiveJpeg_MatchesReference()
    {
        // small.jpg and wee.jpg are progressive (file(1)); the reference rows are exact.
        AssertHash(Pytx("misc-images/wee.jpg"), ReadData("misc-images/wee.jpg"), "jpeg");
    }

    [Theory]
    [InlineData(TiffKind.Rgb, "misc-images/modes/RGBA.png", null)]
    [InlineData(TiffKind.Cmyk, "misc-images/modes/RGBA.png", null)]
    [InlineData(TiffKind.Grey8, "misc-images/modes/L.png", null)]
    [InlineData(TiffKind.Grey16, "misc-images/modes/L.png", null)]
    [InlineData(TiffKind.Bilevel, "misc-images/modes/1.png", BridgeConverted)]
    [InlineData(TiffKind.Palette, "misc-images/modes/P.png", BridgeConverted)]
    public void Tiff_EachLayout_MatchesTheSourceImage(TiffKind kind, string source, string? expected)
    {
        var pixels = Decode(ReadData(source));
        AssertHash(expected ?? Pytx(source), TestImages.Tiff(pixels, kind), "tiff");
    }

    [Fact]
    public void Digests_AreOfTheFileBytes()
    {
        var bytes = ReadData("bridge-mods/aaa-orig.jpg");
        var result = Hma.Hash(bytes);
        Assert.Equal(System.Security.Cryptography.MD5.HashData(bytes), result.Md5);
        Assert.Equal(System.Security.Cryptography.SHA1.HashData(bytes), result.Sha1);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(bytes), result.Sha256);
        // The same MD5 specs/pdq.md §18.4 states for this photo's identical copy.
        Assert.Equal("d35c785545392755e7e4164457657269", Convert.ToHexStringLower(Hma.Hash(ReadData("reg-test-input/dih/bridge-1-original.jpg")).Md5));
        Assert.Equal((1600, 1004), (result.Width, result.Height));
    }
}
