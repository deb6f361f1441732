// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

public class HashListLineTests
{
    private const string Hex = "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95";

    [Theory]
    [InlineData(Hex, null)]
    [InlineData("  " + Hex + "  ", null)]
    [InlineData(Hex + ",42", "42")]
    [InlineData(Hex + ", bank-7 ", "bank-7")]
    [InlineData("pdq " + Hex, null)]
    [InlineData("PDQ\t" + Hex + " 100", null)]
    public void Parse_AcceptsEveryForm(string line, string? id)
    {
        Assert.Equal(HashListLineKind.Hash, HashListLine.Parse(line, out var hash, out var gotId, out _));
        Assert.Equal(Hash256.Parse(Hex), hash);
        Assert.Equal(id, gotId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("# a comment")]
    public void Parse_BlankAndComments_AreEmpty(string line) =>
        Assert.Equal(HashListLineKind.Empty, HashListLine.Parse(line, out _, out _, out _));

    [Theory]
    [InlineData("xyz", "64 hex digits")]
    [InlineData(Hex + ",", "id")]
    [InlineData("g162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95", "'g'")]
    [InlineData("pdq", "64 hex digits")]
    public void Parse_BadLines_SayWhy(string line, string reason)
    {
        Assert.Equal(HashListLineKind.Invalid, HashListLine.Parse(line, out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
