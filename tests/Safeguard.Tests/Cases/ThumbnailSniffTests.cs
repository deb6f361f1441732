// SPDX-License-Identifier: Apache-2.0
using Safeguard.Cases;

namespace Safeguard.Tests.Cases;

public class ThumbnailSniffTests
{
    // Signatures from the PNG specification (89 50 4E 47 0D 0A 1A 0A) and JPEG's SOI + marker (FF D8 FF).
    [Fact]
    public void Sniff_RealPngSignature_IsPng() =>
        Assert.Equal("image/png", Thumbnail.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]));

    [Fact]
    public void Sniff_PngFromTheTestData_IsPng()
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "pdq", "misc-images", "c.png"));
        Assert.Equal("image/png", Thumbnail.Sniff(bytes));
    }

    [Fact]
    public void Sniff_Jpeg_IsJpeg_AndOtherBytesAreRefused()
    {
        Assert.Equal("image/jpeg", Thumbnail.Sniff([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Null(Thumbnail.Sniff("GIF89a"u8));
        Assert.Null(Thumbnail.Sniff([0xC2, 0x89, 0x50, 0x4E, 0x47]));
    }
}
