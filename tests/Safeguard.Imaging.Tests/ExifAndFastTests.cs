// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Imaging.Tests;

public class ExifAndFastTests
{
    [Fact]
    public void ExifOrientation_IsIgnoredByDefault_AndAppliedOnRequest()
    {
        var bytes = TestImages.ReadData("reg-test-input/exif-rotn/exif-rotn-6.jpg");
        var stored = new ImageHasher(new ImageHashOptions { Dihedral = true }).Hash(bytes);
        Assert.Equal((4032, 3024), (stored.Width, stored.Height));
        var shown = new ImageHasher(new ImageHashOptions { ApplyExifOrientation = true }).Hash(bytes);
        Assert.Equal((3024, 4032), (shown.Width, shown.Height));
        // Orientation 6 is displayed turned 90° clockwise: the Rotate270 dihedral of the stored hash (specs/pdq.md §15).
        int toRotated = shown.Pdq.DistanceTo(stored.Dihedral![(int)PdqDihedral.Rotate270]);
        int toStored = shown.Pdq.DistanceTo(stored.Pdq);
        Assert.True(toRotated <= 16, $"distance to the rotated dihedral {toRotated}");
        Assert.True(toStored > 64, $"distance to the stored hash {toStored}");
    }

    [Fact]
    public void ExifOrientationOne_ChangesNothing()
    {
        var bytes = TestImages.ReadData("reg-test-input/exif-rotn/exif-rotn-1.jpg");
        var plain = new ImageHasher().Hash(bytes);
        var applied = new ImageHasher(new ImageHashOptions { ApplyExifOrientation = true }).Hash(bytes);
        Assert.Equal(plain.Pdq, applied.Pdq);
    }

    public static TheoryData<string> BridgeMods() =>
        [.. Directory.GetFiles(ReferenceCsv.DataPath("bridge-mods"), "*.jpg").Select(f => Path.GetFileName(f)!).Order()];

    [Theory]
    [MemberData(nameof(BridgeMods))]
    public void FastPath_StaysWithinEightBitsOfFullResolution(string name)
    {
        var bytes = TestImages.ReadData(Path.Combine("bridge-mods", name));
        var full = new ImageHasher().Hash(bytes);
        var fast = new ImageHasher(new ImageHashOptions { Fast = true }).Hash(bytes);
        Assert.Equal((full.Width, full.Height), (fast.Width, fast.Height));
        TestContext.Current.TestOutputHelper?.WriteLine($"{name}: {full.Width}x{full.Height} q{full.Quality} fast distance {full.Pdq.DistanceTo(fast.Pdq)}");
        if (full.Quality >= 80)
        {
            Assert.True(full.Pdq.DistanceTo(fast.Pdq) <= 8, $"{name}: distance {full.Pdq.DistanceTo(fast.Pdq)}");
        }
    }

    [Fact]
    public void FastPath_OnTwelveMegapixels_StaysClose()
    {
        var bytes = TestImages.ReadData("reg-test-input/exif-rotn/exif-rotn-1.jpg");
        var full = new ImageHasher().Hash(bytes);
        var fast = new ImageHasher(new ImageHashOptions { Fast = true }).Hash(bytes);
        TestContext.Current.TestOutputHelper?.WriteLine($"exif-rotn-1 fast distance {full.Pdq.DistanceTo(fast.Pdq)}");
        Assert.True(full.Pdq.DistanceTo(fast.Pdq) <= 8, $"distance {full.Pdq.DistanceTo(fast.Pdq)}");
    }

    [Fact]
    public void FastPath_LeavesSmallAndNonJpegImagesAlone()
    {
        foreach (var file in new[] { "bridge-mods/square-256x256.jpg", "misc-images/modes/RGBA.png" })
        {
            var bytes = TestImages.ReadData(file);
            Assert.Equal(new ImageHasher().Hash(bytes).Pdq, new ImageHasher(new ImageHashOptions { Fast = true }).Hash(bytes).Pdq);
        }
    }
}
