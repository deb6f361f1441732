// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Tests.Hashing;

public class Hash256Tests
{
    // From specs/pdq.md §11.3: the first hex digit 'b' of lcg-100x150 holds coefficients (15,15)=1, (15,14)=0, (15,13)=1, (15,12)=1.
    [Fact]
    public void Parse_FirstHexDigit_HoldsHighestCoefficients()
    {
        var hash = Hash256.Parse("b" + new string('0', 63));
        Assert.True(hash.GetBit(255));
        Assert.False(hash.GetBit(254));
        Assert.True(hash.GetBit(253));
        Assert.True(hash.GetBit(252));
        Assert.Equal(3, hash.PopCount);
    }

    [Fact]
    public void Parse_LastHexDigit_HoldsCoefficientsZeroToThree()
    {
        var hash = Hash256.Parse(new string('0', 63) + "9");
        Assert.True(hash.GetBit(0));
        Assert.True(hash.GetBit(3));
        Assert.Equal(2, hash.PopCount);
    }

    [Theory]
    [InlineData("f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    public void RoundTrip_HexAndBytes(string hex)
    {
        var hash = Hash256.Parse(hex.ToUpperInvariant());
        Assert.Equal(hex, hash.ToString());
        Span<byte> bytes = stackalloc byte[32];
        hash.WriteBytes(bytes);
        Assert.Equal(Convert.FromHexString(hex), bytes.ToArray());
        Assert.Equal(hash, Hash256.FromBytes(bytes));
    }

    [Theory]
    [InlineData("", "64 hex digits")]
    [InlineData("abc", "64 hex digits")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000", "position 0")]
    public void Parse_BadInput_NamesTheProblem(string text, string expected)
    {
        Assert.False(Hash256.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Distance_CountsDifferingBits()
    {
        var a = Hash256.Zero;
        var b = a.WithBit(0, true).WithBit(100, true).WithBit(255, true);
        Assert.Equal(3, a.DistanceTo(b));
        Assert.Equal(0, b.DistanceTo(b));
        var ones = new Hash256(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue);
        Assert.Equal(256, a.DistanceTo(ones));
    }
}
