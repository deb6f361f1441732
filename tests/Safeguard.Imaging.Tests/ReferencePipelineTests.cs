// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Imaging.Tests;

/// <summary>Both presets against the reference pipelines' CSVs, with the tolerances of specs/pdq.md §18.3.</summary>
public class ReferencePipelineTests
{
    private static readonly string[] DihedralColumns =
        ["dih_orig", "dih_rot90", "dih_rot180", "dih_rot270", "dih_flipx", "dih_flipy", "dih_flipplus1", "dih_flipminus1"];

    public static TheoryData<string, JpegDecoderChoice> PytxFiles() =>
        WithEachJpegDecoder(ReferenceCsv.Read("pytx-hma-pipeline.csv").Select(r => r["file"])
            .Where(f => File.Exists(ReferenceCsv.DataPath(f)) && !ReferenceCsv.HmaDefectRows.Contains(f)));

    public static TheoryData<string, JpegDecoderChoice> CppFiles() =>
        WithEachJpegDecoder(ReferenceCsv.Read("cpp-pdq-photo-hasher.csv").Select(r => r["file"]).Where(f => File.Exists(ReferenceCsv.DataPath(f))));

    /// <summary>JPEG rows once per decoder (the system libturbojpeg and SkiaSharp); other formats once.</summary>
    private static TheoryData<string, JpegDecoderChoice> WithEachJpegDecoder(IEnumerable<string> files)
    {
        var data = new TheoryData<string, JpegDecoderChoice>();
        foreach (var file in files)
        {
            bool jpeg = file.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase);
            data.Add(file, JpegDecoderChoice.Skia);
            if (jpeg)
            {
                data.Add(file, JpegDecoderChoice.TurboJpeg);
            }
        }
        return data;
    }

    private static ImageHashResult Hash(string file, PdqPreset preset, JpegDecoderChoice decoder)
    {
        if (decoder == JpegDecoderChoice.TurboJpeg)
        {
            TurboJpegTests.RequireTurboJpeg();
        }
        var result = new ImageHasher(new ImageHashOptions { Preset = preset, Dihedral = true, JpegDecoder = decoder })
            .Hash(File.ReadAllBytes(ReferenceCsv.DataPath(file)));
        if (decoder == JpegDecoderChoice.TurboJpeg)
        {
            Assert.Equal("turbojpeg", result.Decoder);
        }
        return result;
    }

    [Theory]
    [MemberData(nameof(PytxFiles))]
    public void HmaPreset_MatchesPytxPipeline(string file, JpegDecoderChoice decoder)
    {
        var row = ReferenceCsv.Read("pytx-hma-pipeline.csv").Single(r => r["file"] == file);
        var result = Hash(file, PdqPreset.Hma, decoder);
        row["dih_orig"] = row["hash"];
        Check(file, row, result, "hma");
    }

    [Theory]
    [MemberData(nameof(CppFiles))]
    public void CppPreset_MatchesCppPhotoHasher(string file, JpegDecoderChoice decoder)
    {
        var row = ReferenceCsv.Read("cpp-pdq-photo-hasher.csv").Single(r => r["file"] == file);
        var result = Hash(file, PdqPreset.Cpp, decoder);
        Check(file, row, result, "cpp");
    }

    private static void Check(string file, Dictionary<string, string> row, ImageHashResult result, string preset)
    {
        int expectedQuality = int.Parse(row["quality"], System.Globalization.CultureInfo.InvariantCulture);
        var expected = Hash256.Parse(row["hash"]);
        int distance = expected.DistanceTo(result.Pdq);
        TestContext.Current.TestOutputHelper?.WriteLine($"{preset} {file}: distance {distance}, quality {result.Quality} (expected {expectedQuality})");
        if (expectedQuality < 50)
        {
            // §18.3: hashes of low-quality images are unstable across decoders; only the verdict must agree.
            Assert.True(result.Quality < 50, $"{file}: quality {result.Quality}, reference {expectedQuality}");
            return;
        }
        // §18.3: exact for lossless files, and for JPEG/WebP when decoded with libjpeg-turbo/libwebp at
        // default settings, which SkiaSharp is. The looser JPEG bound (4 bits) would also hold.
        bool lossless = ReferenceCsv.IsLossless(file);
        const int tolerance = 0;
        Assert.True(distance <= tolerance, $"{file}: distance {distance} > {tolerance}");
        if (lossless)
        {
            Assert.Equal(expectedQuality, result.Quality);
        }
        else
        {
            Assert.InRange(result.Quality, expectedQuality - 2, expectedQuality + 2);
        }
        for (int d = 0; d < 8; d++)
        {
            if (!row.TryGetValue(DihedralColumns[d], out var text) || text.Length == 0)
            {
                continue;
            }
            int dd = Hash256.Parse(text).DistanceTo(result.Dihedral![d]);
            Assert.True(dd <= tolerance, $"{file} {DihedralColumns[d]}: distance {dd} > {tolerance}");
        }
    }
}
