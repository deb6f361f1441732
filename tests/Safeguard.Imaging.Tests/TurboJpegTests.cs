// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Hashing;

namespace Safeguard.Imaging.Tests;

/// <summary>
/// The system libturbojpeg path against the SkiaSharp path: identical pixels on every JPEG we have
/// (so SIMD IDCT and upsampling equal the plain C that Skia bundles), the same sizes, orientation
/// and errors, and the choice visible.
/// </summary>
public class TurboJpegTests
{
    /// <summary>Every JPEG under tests/data: the PDQ reference images and the synthetic layouts.</summary>
    public static TheoryData<string> AllJpegs() => [.. JpegFiles()];

    private static IEnumerable<string> JpegFiles() =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "data"), "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(Path.Combine(AppContext.BaseDirectory, "data"), f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void OnCi_TheTurboJpegPathIsActive()
    {
        if (Environment.GetEnvironmentVariable("CI") != "true")
        {
            Assert.Skip("only asserted on CI (CI=true), where scripts/deps-turbojpeg.sh installs libturbojpeg0");
        }
        Assert.True(ImageHasher.TurboJpegAvailable, "libturbojpeg.so.0 did not load on CI");
        var hasher = new ImageHasher();
        Assert.True(hasher.UsesTurboJpeg);
        Assert.Equal("turbojpeg", hasher.Hash(Data("pdq/bridge-mods/aaa-orig.jpg")).Decoder);
    }

    [Fact]
    public void DecoderChoice_IsVisibleInTheResult()
    {
        var skia = new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.Skia });
        Assert.False(skia.UsesTurboJpeg);
        Assert.Equal("skia", skia.Hash(Data("pdq/bridge-mods/aaa-orig.jpg")).Decoder);
        Assert.Equal("skia", new ImageHasher().Hash(Data("pdq/misc-images/modes/RGBA.png")).Decoder);
        var auto = new ImageHasher();
        Assert.Equal(ImageHasher.TurboJpegAvailable, auto.UsesTurboJpeg);
        Assert.Equal(auto.UsesTurboJpeg ? "turbojpeg" : "skia", auto.Hash(Data("pdq/bridge-mods/aaa-orig.jpg")).Decoder);
    }

    [Fact]
    public void AskingForTurboJpeg_WithoutTheLibrary_FailsAtConstruction()
    {
        if (ImageHasher.TurboJpegAvailable)
        {
            Assert.True(new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.TurboJpeg }).UsesTurboJpeg);
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.TurboJpeg }));
            Assert.Contains("libturbojpeg", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AllJpegs))]
    public unsafe void BothDecoders_GiveIdenticalPixels_AtEverySize(string file)
    {
        RequireTurboJpeg();
        var bytes = Data(file);
        fixed (byte* data = bytes)
        {
            using var skia = SkiaDecoder.Open(data, bytes.Length, ImageFormat.Jpeg);
            using var turbo = TurboJpegDecoder.TryOpen(data, bytes.Length);
            Assert.NotNull(turbo);
            Assert.Equal((skia.Width, skia.Height), (turbo.Width, turbo.Height));
            Assert.Equal(skia.Orientation, turbo.Orientation);
            int shortSide = Math.Min(skia.Width, skia.Height);
            // The full size, then libjpeg's 1/2, 1/4 and 1/8 DCT-domain scalings (each ReducedSize asks for one).
            foreach (int minShortSide in new[] { shortSide + 1, (shortSide + 1) / 2, (shortSide + 3) / 4, 1 })
            {
                var size = skia.ReducedSize(minShortSide);
                Assert.Equal(size, turbo.ReducedSize(minShortSide));
                using var expected = skia.DecodeWhole(size);
                using var actual = turbo.DecodeWhole(size);
                Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
                // Skia gives colour as RGBA with opaque alpha; TurboJPEG as RGB (CMYK as RGBA, grey as grey).
                Assert.Equal(expected.Channels == 4 && actual.Channels == 3 ? 3 : expected.Channels, actual.Channels);
                var expectedPixels = actual.Channels == expected.Channels ? expected.Pixels.ToArray() : WithoutOpaqueAlpha(expected.Pixels);
                int differing = CountDifferences(expectedPixels, actual.Pixels);
                Assert.True(differing == 0, $"{file} at {size}: {differing} of {expected.Pixels.Length} bytes differ");
            }
        }
    }

    /// <summary>Each JPEG: full size, <c>--fast</c>, and the <c>cpp</c> preset (file, fast, cpp).</summary>
    public static TheoryData<string, bool, bool> HashCases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var file in JpegFiles())
        {
            data.Add(file, false, false);
            data.Add(file, true, false);
            data.Add(file, false, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(HashCases))]
    public void BothDecoders_GiveTheSameHashes(string file, bool fast, bool cpp)
    {
        RequireTurboJpeg();
        var bytes = Data(file);
        ImageHashResult Hash(JpegDecoderChoice decoder) => new ImageHasher(new ImageHashOptions
        {
            JpegDecoder = decoder, Fast = fast, Preset = cpp ? PdqPreset.Cpp : PdqPreset.Hma, Dihedral = true, ApplyExifOrientation = true,
        }).Hash(bytes);
        var skia = Hash(JpegDecoderChoice.Skia);
        var turbo = Hash(JpegDecoderChoice.TurboJpeg);
        Assert.Equal("turbojpeg", turbo.Decoder);
        Assert.Equal(skia.Pdq, turbo.Pdq);
        Assert.Equal(skia.Quality, turbo.Quality);
        Assert.Equal(skia.Dihedral, turbo.Dihedral);
        Assert.Equal((skia.Width, skia.Height), (turbo.Width, turbo.Height));
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void TruncatedScanData_IsTruncated(double keep)
    {
        RequireTurboJpeg();
        var bytes = Data("pdq/bridge-mods/aaa-orig.jpg");
        var cut = bytes[..(int)(bytes.Length * keep)];
        var e = Assert.Throws<ImageRejectedException>(() => Turbo().Hash(cut));
        Assert.Equal(ImageRejectReason.Truncated, e.Reason);
    }

    [Fact]
    public void TruncatedProgressive_IsTruncated()
    {
        RequireTurboJpeg();
        var bytes = Data("jpeg-layouts/progressive.jpg");
        var e = Assert.Throws<ImageRejectedException>(() => Turbo().Hash(bytes[..(bytes.Length * 2 / 3)]));
        Assert.Equal(ImageRejectReason.Truncated, e.Reason);
    }

    [Fact]
    public void HeaderTheLibraryCannotRead_GoesToSkia_AndIsRejectedAsBefore()
    {
        RequireTurboJpeg();
        var bytes = Data("pdq/bridge-mods/aaa-orig.jpg")[..300];
        var turbo = Assert.Throws<ImageRejectedException>(() => Turbo().Hash(bytes));
        var skia = Assert.Throws<ImageRejectedException>(() => new ImageHasher(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.Skia }).Hash(bytes));
        Assert.Equal(skia.Reason, turbo.Reason);
        Assert.Equal(skia.Message, turbo.Message);
    }

    [Fact]
    public void DamagedData_IsHashedOrRejected_NeverACrash()
    {
        RequireTurboJpeg();
        var random = new Random(23);
        foreach (var file in new[] { "pdq/bridge-mods/square-256x256.jpg", "jpeg-layouts/progressive.jpg", "jpeg-layouts/arithmetic.jpg", "pdq/misc-images/modes/CMYK.jpg" })
        {
            var bytes = Data(file);
            for (int trial = 0; trial < 15; trial++)
            {
                var damaged = (byte[])bytes.Clone();
                for (int k = 0; k < 1 + (trial * 5); k++)
                {
                    damaged[random.Next(2, damaged.Length)] = (byte)random.Next(256);
                }
                try
                {
                    var result = Turbo().Hash(damaged);
                    Assert.InRange(result.Quality, 0, 100);
                }
                catch (ImageRejectedException e)
                {
                    Assert.False(string.IsNullOrWhiteSpace(e.Message));
                }
            }
        }
    }

    [Fact]
    public void FatalDecodeError_IsCorruptAndNamesLibjpegsReason()
    {
        RequireTurboJpeg();
        // A valid header whose Huffman table is referenced by the scan but then made undefined: the
        // scan header names DC table 3, which the file never defines.
        var bytes = Data("jpeg-layouts/s444.jpg");
        int sos = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0xFF, 0xDA]);
        Assert.True(sos > 0);
        var damaged = (byte[])bytes.Clone();
        damaged[sos + 6] = 0x33;
        var e = Assert.Throws<ImageRejectedException>(() => Turbo().Hash(damaged));
        Assert.Equal(ImageRejectReason.Corrupt, e.Reason);
        Assert.Contains("damaged (", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CmykConversion_RoundsAsSkiaDoes()
    {
        // Hand-computed: R = C·K/255 rounded to nearest (128·128/255 = 64.25 → 64; 200·200/255 = 156.9 → 157).
        byte[] pixels = [255, 0, 128, 255, 128, 200, 1, 128, 200, 100, 50, 200];
        TurboJpegDecoder.InvertedCmykToRgba(pixels);
        Assert.Equal(new byte[] { 255, 0, 128, 255, 64, 100, 1, 255, 157, 78, 39, 255 }, pixels);
    }

    public static TheoryData<string, int> ExifCases() =>
    [
        ("II*\0\u0008\0\0\0\u0001\0\u0012\u0001\u0003\0\u0001\0\0\0\u0006\0\0\0", 6),
        ("MM\0*\0\0\0\u0008\0\u0001\u0001\u0012\0\u0003\0\0\0\u0001\0\u0003\0\0", 3),
        // Wrong type (LONG), a count of 2, a value out of range, an IFD offset past the end, a count running past the end.
        ("II*\0\u0008\0\0\0\u0001\0\u0012\u0001\u0004\0\u0001\0\0\0\u0006\0\0\0", 1),
        ("II*\0\u0008\0\0\0\u0001\0\u0012\u0001\u0003\0\u0002\0\0\0\u0006\0\0\0", 1),
        ("II*\0\u0008\0\0\0\u0001\0\u0012\u0001\u0003\0\u0001\0\0\0\u0009\0\0\0", 1),
        ("II*\0\u00FF\0\0\0\u0001\0\u0012\u0001\u0003\0\u0001\0\0\0\u0006\0\0\0", 1),
        ("II*\0\u0008\0\0\0\u00FF\u00FF\u0012\u0001\u0003\0\u0001\0\0\0\u0006\0", 1),
        ("II*", 1),
    ];

    [Theory]
    [MemberData(nameof(ExifCases))]
    public void ExifOrientation_IsReadDefensively(string tiff, int expected)
    {
        var exif = Encoding.Latin1.GetBytes("Exif\0\0" + tiff);
        var jpeg = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE1, (byte)((exif.Length + 2) >> 8), (byte)(exif.Length + 2) };
        jpeg.AddRange(exif);
        jpeg.AddRange([0xFF, 0xDA, 0x00, 0x02]);
        Assert.Equal(expected, JpegMarkers.Orientation(jpeg.ToArray()));
        // A segment length running past the end stops the walk without reading out of bounds.
        Assert.Equal(1, JpegMarkers.Orientation(jpeg.ToArray()[..(jpeg.Count - 8)]));
    }

    private static ImageHasher Turbo() => new(new ImageHashOptions { JpegDecoder = JpegDecoderChoice.TurboJpeg });

    /// <summary>A file under the test output's data folder (<c>pdq/...</c>, <c>jpeg-layouts/...</c>).</summary>
    private static byte[] Data(string relative) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", relative));

    private static byte[] WithoutOpaqueAlpha(ReadOnlySpan<byte> rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, j = 0; i < rgba.Length; i += 4, j += 3)
        {
            Assert.Equal(255, rgba[i + 3]);
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }

    private static int CountDifferences(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        int differing = Math.Abs(expected.Length - actual.Length);
        for (int i = 0; i < Math.Min(expected.Length, actual.Length); i++)
        {
            differing += expected[i] != actual[i] ? 1 : 0;
        }
        return differing;
    }

    /// <summary>Skips where the system library is missing, except on CI, where it must be there.</summary>
    internal static void RequireTurboJpeg()
    {
        if (!ImageHasher.TurboJpegAvailable)
        {
            Assert.False(Environment.GetEnvironmentVariable("CI") == "true", "libturbojpeg.so.0 did not load on CI");
            Assert.Skip("libturbojpeg.so.0 is not installed (apt-get install libturbojpeg0)");
        }
    }
}
