// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Safeguard.Hashing;

namespace Safeguard.Tests.Hashing;

public class PdqHasherTests
{
    public static TheoryData<string> SyntheticCaseNames() => [.. PdqTestVectors.SyntheticCases().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(SyntheticCaseNames))]
    public void SyntheticVector_MatchesReferenceExactly(string name)
    {
        var c = PdqTestVectors.SyntheticCases().Single(x => x.Name == name);
        var pixels = PdqTestVectors.Pixels(c);
        foreach (var rule in new[] { PdqLumaRule.L32, PdqLumaRule.L64 })
        {
            var result = PdqHasher.HashPixels(pixels, c.Rows, c.Cols, 3, rule, dihedral: true);
            Assert.Equal(c.Hash, result.Hash.ToString());
            Assert.Equal(c.Quality, result.Quality);
            Assert.Equal(c.DihedralQuality, result.Quality);
            Assert.Equal(c.Dihedral, result.Dihedral!.Select(h => h.ToString()).ToArray());
            Assert.Equal(c.Rows < 5 || c.Cols < 5, result.TooSmall);
        }
    }

    [Fact]
    public void SyntheticVector_FromLumaBuffer_MatchesPixelEntryPoint()
    {
        var c = PdqTestVectors.SyntheticCases().Single(x => x.Name == "lcg-640x480");
        var pixels = PdqTestVectors.Pixels(c);
        var luma = new float[c.Rows * c.Cols];
        PdqLuma.FromRgb(pixels, 3, luma, PdqLumaRule.L32);
        Assert.Equal(c.Hash, PdqHasher.HashLuma(luma, c.Rows, c.Cols).Hash.ToString());
    }

    [Fact]
    public void Intermediate64x64_MatchesReferenceDump()
    {
        var (decimated, _) = Intermediates();
        var expected = PdqTestVectors.FloatMatrix("synthetic-lcg-100x150-intermediate-64x64.csv");
        Assert.Equal(64 * 64, expected.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[k]) == BitConverter.SingleToInt32Bits(decimated[k]),
                string.Create(CultureInfo.InvariantCulture, $"A[{k / 64}][{k % 64}]: expected {expected[k]:R}, got {decimated[k]:R}"));
        }
    }

    [Fact]
    public void Intermediate16x16_MatchesReferenceDump()
    {
        var (_, dct) = Intermediates();
        var expected = PdqTestVectors.FloatMatrix("synthetic-lcg-100x150-intermediate-dct16x16.csv");
        Assert.Equal(256, expected.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(expected[k]) == BitConverter.SingleToInt32Bits(dct[k]),
                string.Create(CultureInfo.InvariantCulture, $"B[{k / 16}][{k % 16}]: expected {expected[k]:R}, got {dct[k]:R}"));
        }
    }

    [Fact]
    public void DctMatrix_MatchesReferenceTable()
    {
        var expected = PdqTestVectors.FloatMatrix("dct-matrix-16x64.csv");
        Assert.Equal(16 * 64, expected.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(expected[k]), BitConverter.SingleToInt32Bits(PdqDctMatrix.Values[k]));
        }
    }

    private static (float[] Decimated, float[] Dct) Intermediates()
    {
        var c = PdqTestVectors.SyntheticCases().Single(x => x.Name == "lcg-100x150");
        var pixels = PdqTestVectors.Pixels(c);
        var luma = new float[c.Rows * c.Cols];
        PdqLuma.FromRgb(pixels, 3, luma, PdqLumaRule.L32);
        using var hasher = new PdqLumaHasher(c.Rows, c.Cols);
        hasher.AddRows(luma, c.Rows);
        var decimated = hasher.FinishToDecimated()!;
        var dct = new float[256];
        PdqHasher.Dct64To16(decimated, dct);
        return (decimated, dct);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(7, 300)]
    [InlineData(300, 7)]
    [InlineData(63, 65)]
    [InlineData(64, 64)]
    [InlineData(129, 257)]
    [InlineData(333, 1000)]
    [InlineData(1001, 17)]
    [InlineData(2500, 9)]
    [InlineData(1203, 1531)]
    [InlineData(7, 262_150)] // rows too long for strips: the one-row-at-a-time path
    public void StreamingVectorisedFilter_AgreesWithScalarTwin(int rows, int cols)
    {
        var random = new Random((rows * 7919) + cols);
        var luma = new float[rows * cols];
        for (int k = 0; k < luma.Length; k++)
        {
            luma[k] = random.Next(256) + (random.Next(4) * 0.25f);
        }
        using var hasher = new PdqLumaHasher(rows, cols);
        hasher.AddRows(luma, rows);
        var streamed = hasher.FinishToDecimated()!;
        var scalar = PdqScalarOracle.Decimate(luma, rows, cols);
        Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), streamed.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Box_WindowOne_CarriesRoundingLikeTheReference()
    {
        // §6.2: (x[k-1] + x[k]) - x[k-1] in float, not x[k]. 1e8 + 1 rounds to 1e8 in float.
        float[] input = [1e8f, 1f, 3f];
        var output = new float[3];
        PdqBoxFilter.Scalar(input, output, 1);
        float sum = 1e8f;
        float s1 = (sum + 1f) - 1e8f;
        float s2 = (s1 + 3f) - 1f;
        Assert.Equal([1e8f, s1, s2], output);
        Assert.Equal(0f, s1);
    }

    [Fact]
    public void Box_WindowTwoAndThree_MatchHandComputation()
    {
        float[] x = [1f, 2f, 4f, 8f, 16f];
        var two = new float[5];
        PdqBoxFilter.Scalar(x, two, 2);
        // w=2: h=2; window of output k is x[max(0,k)..min(4,k+1)].
        Assert.Equal([3f / 2, 6f / 2, 12f / 2, 24f / 2, 16f / 1], two);
        var three = new float[5];
        PdqBoxFilter.Scalar(x, three, 3);
        // w=3: h=2; window of output k is x[max(0,k-1)..min(4,k+1)].
        Assert.Equal([3f / 2, 7f / 3, 14f / 3, 28f / 3, 24f / 2], three);
    }

    [Theory]
    [InlineData(4, 100)]
    [InlineData(100, 4)]
    [InlineData(0, 0)]
    public void UnderFivePixels_IsZeroHashQualityZeroAndFlagged(int rows, int cols)
    {
        var result = PdqHasher.HashPixels(new byte[rows * cols], rows, cols, 1, PdqLumaRule.L64, dihedral: true);
        Assert.True(result.TooSmall);
        Assert.Equal(Hash256.Zero, result.Hash);
        Assert.Equal(0, result.Quality);
        Assert.All(result.Dihedral!, h => Assert.Equal(Hash256.Zero, h));
    }

    [Fact]
    public void Threshold_IsStrictAboveTheLowerMedian()
    {
        var b = new float[256];
        for (int k = 0; k < 256; k++)
        {
            b[k] = k;
        }
        // Lower median is the 128th smallest = 127; bits 128..255 set.
        var hash = PdqHasher.Threshold(b);
        Assert.Equal(0UL, hash.Word0);
        Assert.Equal(0UL, hash.Word1);
        Assert.Equal(ulong.MaxValue, hash.Word2);
        Assert.Equal(ulong.MaxValue, hash.Word3);
        b.AsSpan().Fill(5f);
        Assert.Equal(Hash256.Zero, PdqHasher.Threshold(b));
    }

    [Fact]
    public void Luma_L64OfGreyIsExact_L32IsNotAlways()
    {
        var rgb = new byte[256 * 3];
        for (int g = 0; g < 256; g++)
        {
            rgb[g * 3] = rgb[(g * 3) + 1] = rgb[(g * 3) + 2] = (byte)g;
        }
        var l64 = new float[256];
        var l32 = new float[256];
        PdqLuma.FromRgb(rgb, 3, l64, PdqLumaRule.L64);
        PdqLuma.FromRgb(rgb, 3, l32, PdqLumaRule.L32);
        for (int g = 0; g < 256; g++)
        {
            Assert.Equal(g, l64[g]);
        }
        // specs/pdq.md §4: L32 differs from g for 35 grey values.
        Assert.Equal(35, Enumerable.Range(0, 256).Count(g => l32[g] != g));
    }

    [Fact]
    public void Hasher_RejectsWrongRowCount()
    {
        using var hasher = new PdqLumaHasher(10, 10);
        hasher.AddRow(new float[10]);
        Assert.Throws<InvalidOperationException>(() => hasher.Finish());
    }

    [Theory]
    [InlineData(PdqLumaRule.L64)]
    [InlineData(PdqLumaRule.L32)]
    public void VectorLuma_AgreesWithScalarTwin(PdqLumaRule rule)
    {
        var rgb = new byte[(256 * 3 + 1001 * 64) * 3];
        new Random(4).NextBytes(rgb);
        var vector3 = new float[rgb.Length / 3];
        var scalar3 = new float[rgb.Length / 3];
        PdqLuma.FromRgb(rgb, 3, vector3, rule);
        PdqLuma.FromRgbScalar(rgb, 3, scalar3, rule);
        Assert.Equal(scalar3.Select(BitConverter.SingleToInt32Bits), vector3.Select(BitConverter.SingleToInt32Bits));

        // Every 8-bit value in every channel, plus random pixels; 1001 pixels leaves a scalar tail.
        var random = new Random(3);
        var rgba = new byte[(256 * 3 + 1001 * 64) * 4];
        random.NextBytes(rgba);
        for (int v = 0; v < 256; v++)
        {
            for (int ch = 0; ch < 3; ch++)
            {
                rgba[(((ch * 256) + v) * 4) + ch] = (byte)v;
            }
        }
        var vector = new float[rgba.Length / 4];
        var scalar = new float[rgba.Length / 4];
        PdqLuma.FromRgb(rgba, 4, vector, rule);
        PdqLuma.FromRgbScalar(rgba, 4, scalar, rule);
        Assert.Equal(scalar.Select(BitConverter.SingleToInt32Bits), vector.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(8, 37)]
    [InlineData(8, 64)]
    [InlineData(4, 13)]
    public void VectorTranspose_AgreesWithScalarTwin(int lanes, int cols)
    {
        var rows = Enumerable.Range(0, lanes * cols).Select(i => (float)i).ToArray();
        var vector = new float[rows.Length];
        var scalar = new float[rows.Length];
        PdqTranspose.ToLanes(rows, vector, lanes, cols);
        PdqTranspose.ToLanesScalar(rows, scalar, lanes, cols);
        Assert.Equal(scalar, vector);
        var back = new float[rows.Length];
        PdqTranspose.FromLanes(vector, back, lanes, cols);
        Assert.Equal(rows, back);
    }

    [Fact]
    public void VectorL64_EqualsTheDoubleFormula_ForEveryColour()
    {
        // The vector L64 is an exact rewriting of (float)(R·0.299 + G·0.587 + B·0.114); prove it on all 2^24 colours.
        var rgba = new byte[256 * 256 * 4];
        var vector = new float[256 * 256];
        var scalar = new float[256 * 256];
        int differing = 0;
        for (int r = 0; r < 256; r++)
        {
            for (int i = 0; i < 256 * 256; i++)
            {
                rgba[i * 4] = (byte)r;
                rgba[(i * 4) + 1] = (byte)(i >> 8);
                rgba[(i * 4) + 2] = (byte)i;
                rgba[(i * 4) + 3] = (byte)(i * 7);
            }
            PdqLuma.FromRgb(rgba, 4, vector, PdqLumaRule.L64);
            PdqLuma.FromRgbScalar(rgba, 4, scalar, PdqLumaRule.L64);
            for (int i = 0; i < vector.Length; i++)
            {
                differing += BitConverter.SingleToInt32Bits(vector[i]) != BitConverter.SingleToInt32Bits(scalar[i]) ? 1 : 0;
            }
        }
        Assert.Equal(0, differing);
    }

    [Theory]
    [InlineData(5, 5, 4, PdqLumaRule.L64)]
    [InlineData(64, 64, 3, PdqLumaRule.L64)]
    [InlineData(17, 203, 3, PdqLumaRule.L64)]
    [InlineData(17, 203, 4, PdqLumaRule.L64)]
    [InlineData(333, 1000, 3, PdqLumaRule.L64)]
    [InlineData(333, 1000, 4, PdqLumaRule.L64)]
    [InlineData(1001, 17, 4, PdqLumaRule.L32)]
    [InlineData(260, 517, 3, PdqLumaRule.L32)]
    [InlineData(41, 11, 3, PdqLumaRule.L64)]
    public void PixelStrips_HashLikeLumaRows(int rows, int cols, int channels, PdqLumaRule rule)
    {
        var random = new Random((rows * 31) + cols + channels);
        var pixels = new byte[rows * cols * channels];
        random.NextBytes(pixels);
        var luma = new float[rows * cols];
        PdqLuma.FromRgbScalar(pixels, channels, luma, rule);
        var expected = PdqScalarOracle.Decimate(luma, rows, cols);
        using var hasher = new PdqLumaHasher(rows, cols);
        // Uneven chunks, so strips start both on and off a chunk boundary.
        int rowBytes = cols * channels;
        for (int done = 0; done < rows;)
        {
            int n = Math.Min(rows - done, 1 + (done % 11));
            hasher.AddPixelRows(pixels.AsSpan(done * rowBytes, n * rowBytes), channels, n, rule);
            done += n;
        }
        var decimated = hasher.FinishToDecimated()!;
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), decimated.Select(BitConverter.SingleToInt32Bits));
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(37, 1)]
    [InlineData(64, 1)]
    [InlineData(1000, 8)]
    [InlineData(4032, 32)]
    public void SampledBox_KeepsExactlyTheFullBoxAtTheSampledColumns(int n, int window)
    {
        int runs = 2 * System.Numerics.Vector<float>.Count;
        var random = new Random(n);
        var input = Enumerable.Range(0, n * runs).Select(_ => random.Next(256) + (random.Next(8) * 0.125f)).ToArray();
        var columns = Enumerable.Range(0, 64).Select(i => (int)(((i + 0.5) * n) / 64)).ToArray();
        var sampled = new float[64 * runs];
        PdqBoxFilter.SampledLanePairs(input, n, window, columns, sampled);
        var row = new float[n];
        var fullRow = new float[n];
        var sampledRow = new float[64];
        for (int k = 0; k < runs; k++)
        {
            for (int c = 0; c < n; c++)
            {
                row[c] = input[(c * runs) + k];
            }
            PdqBoxFilter.Scalar(row, fullRow, window);
            PdqBoxFilter.SampledScalar(row, window, columns, sampledRow);
            var expected = columns.Select(c => BitConverter.SingleToInt32Bits(fullRow[c])).ToArray();
            Assert.Equal(expected, sampledRow.Select(BitConverter.SingleToInt32Bits));
            Assert.Equal(expected, Enumerable.Range(0, 64).Select(j => BitConverter.SingleToInt32Bits(sampled[(j * runs) + k])));
        }
    }
}
