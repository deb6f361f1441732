// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using SkiaSharp;
using static Safeguard.Imaging.Tests.TestImages;

namespace Safeguard.Imaging.Tests;

/// <summary>Hostile and broken input: each gives one clear rejection, never a crash, hang or huge allocation.</summary>
public class BadInputTests
{
    private static readonly ImageHasher Hasher = new();

    private static ImageRejectedException Rejects(byte[] file, ImageHasher? hasher = null) =>
        Assert.Throws<ImageRejectedException>(() => (hasher ?? Hasher).Hash(file));

    [Fact]
    public void Empty_IsRejectedAsEmpty() => Assert.Equal(ImageRejectReason.Empty, Rejects([]).Reason);

    [Theory]
    [InlineData("hello, this is text\n", null)]
    [InlineData("%PDF-1.7 ...", "PDF")]
    [InlineData("\0\0\0\u0018ftypheic\0\0\0\0", "HEIF")]
    public void UnknownBytes_AreUnsupportedAndNamed(string text, string? named)
    {
        var e = Rejects(System.Text.Encoding.Latin1.GetBytes(text));
        Assert.Equal(ImageRejectReason.UnsupportedFormat, e.Reason);
        if (named is not null)
        {
            Assert.Contains(named, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("bridge-mods/aaa-orig.jpg")]
    [InlineData("misc-images/modes/RGBA.png")]
    [InlineData("misc-images/modes/F.webp")]
    public void TruncatedFile_IsRejectedAsTruncated(string file)
    {
        var bytes = ReadData(file);
        var e = Rejects(bytes[..(bytes.Length / 2)]);
        Assert.Equal(ImageRejectReason.Truncated, e.Reason);
    }

    [Fact]
    public void HeaderOnly_IsRejected()
    {
        var bytes = ReadData("misc-images/modes/RGBA.png");
        var e = Rejects(bytes[..20]);
        Assert.True(e.Reason is ImageRejectReason.Truncated or ImageRejectReason.Corrupt, e.Reason.ToString());
    }

    [Fact]
    public void MagicThenGarbage_IsRejectedAsCorruptOrTruncated()
    {
        var random = new Random(5);
        foreach (var magic in new byte[][] { [0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "GIF89a"u8.ToArray(), "II*\0"u8.ToArray(), "BM"u8.ToArray() })
        {
            var bytes = new byte[4096];
            random.NextBytes(bytes);
            magic.CopyTo(bytes, 0);
            var e = Rejects(bytes);
            // Random header fields may also declare a huge size, which is rejected before decoding.
            Assert.True(e.Reason is not ImageRejectReason.Empty, $"{e.Reason}: {e.Message}");
        }
    }

    [Fact]
    public void CorruptedScanData_NeverCrashes()
    {
        // Flipping bytes inside the entropy-coded data may decode (libjpeg resynchronises) or be rejected; either is fine, a crash is not.
        var bytes = ReadData("bridge-mods/square-256x256.jpg");
        var random = new Random(11);
        for (int trial = 0; trial < 20; trial++)
        {
            var damaged = (byte[])bytes.Clone();
            for (int k = 0; k < 50; k++)
            {
                damaged[random.Next(200, damaged.Length)] = (byte)random.Next(256);
            }
            try
            {
                Hasher.Hash(damaged);
            }
            catch (ImageRejectedException)
            {
            }
        }
    }

    [Fact]
    public void MislabelledFile_IsDecodedByItsContent()
    {
        // Nothing here reads a file name: JPEG bytes are hashed as JPEG whatever they are called.
        var result = Hasher.Hash(ReadData("bridge-mods/aaa-orig.jpg"));
        Assert.Equal("jpeg", result.Format);
    }

    [Theory]
    [InlineData(4, 100)]
    [InlineData(100, 4)]
    [InlineData(1, 1)]
    public void UnderFivePixels_IsZeroHashQualityZeroAndFlagged(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        new Random(width).NextBytes(pixels);
        var png = Encode(new Rgba(width, height, pixels), SKEncodedImageFormat.Png);
        foreach (var preset in new[] { PdqPreset.Hma, PdqPreset.Cpp })
        {
            var result = new ImageHasher(new ImageHashOptions { Preset = preset, Dihedral = true }).Hash(png);
            Assert.True(result.TooSmall);
            Assert.Equal(Hash256.Zero, result.Pdq);
            Assert.Equal(0, result.Quality);
            Assert.All(result.Dihedral!, h => Assert.Equal(Hash256.Zero, h));
            Assert.Equal((width, height), (result.Width, result.Height));
        }
    }

    public static TheoryData<string> BombSources() => ["png", "jpeg", "gif"];

    [Theory]
    [MemberData(nameof(BombSources))]
    public void DecompressionBomb_IsRejectedFromTheHeader(string kind)
    {
        var small = Decode(ReadData("bridge-mods/square-128x128.jpg"));
        byte[] file = kind switch
        {
            "png" => Encode(small, SKEncodedImageFormat.Png),
            "jpeg" => ReadData("bridge-mods/square-128x128.jpg"),
            _ => Gif(16, 16, new byte[768], new byte[256]),
        };
        var bomb = WithDeclaredSize(file, 50000, 50000);
        Assert.True(bomb.Length < 100_000);
        // This thread only: tests run in parallel, and the process-wide count includes their allocations.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Rejects(bomb);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(ImageRejectReason.TooManyPixels, e.Reason);
        Assert.Contains("50000 × 50000", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 10_000_000, $"allocated {allocated} bytes before rejecting");
    }

    [Fact]
    public void TiffBomb_IsRejectedFromTheHeader()
    {
        var tiff = TestImages.Tiff(new Rgba(8, 8, new byte[256]), TiffKind.Grey8);
        // Patch the width and length tags' values (SHORT or LONG) in the first IFD.
        int ifd = BitConverter.ToInt32(tiff, 4);
        int entries = BitConverter.ToUInt16(tiff, ifd);
        for (int i = 0; i < entries; i++)
        {
            int at = ifd + 2 + (i * 12);
            int tag = BitConverter.ToUInt16(tiff, at);
            if (tag is 256 or 257)
            {
                // SHORT (3) or LONG (4); 60000 fits either.
                int type = BitConverter.ToUInt16(tiff, at + 2);
                Assert.True(type is 3 or 4);
                (type == 3 ? BitConverter.GetBytes((ushort)60000) : BitConverter.GetBytes(60000)).CopyTo(tiff, at + 8);
            }
        }
        Assert.Equal(ImageRejectReason.TooManyPixels, Rejects(tiff).Reason);
    }

    [Fact]
    public void PixelLimit_IsConfigurable()
    {
        var strict = new ImageHasher(new ImageHashOptions { MaxPixels = 1_000_000 });
        var e = Rejects(ReadData("bridge-mods/aaa-orig.jpg"), strict);
        Assert.Equal(ImageRejectReason.TooManyPixels, e.Reason);
        Assert.Contains("1000000", e.Message, StringComparison.Ordinal);
        Assert.Equal("jpeg", strict.Hash(ReadData("bridge-mods/square-512x512.jpg")).Format);
    }
}
