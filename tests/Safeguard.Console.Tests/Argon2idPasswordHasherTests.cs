// SPDX-License-Identifier: Apache-2.0
using Safeguard.ReviewConsole;

namespace Safeguard.Console.Tests;

public sealed class Argon2idPasswordHasherTests
{
    [Fact]
    public void Compute_Rfc9106Argon2idVector()
    {
        // RFC 9106 section 5.3: m = 32 KiB, t = 3, p = 4, password 32 × 0x01, salt 16 × 0x02,
        // secret 8 × 0x03, associated data 12 × 0x04, 32-byte tag.
        var tag = Argon2idPasswordHasher.Compute(
            Enumerable.Repeat((byte)1, 32).ToArray(), Enumerable.Repeat((byte)2, 16).ToArray(), new Argon2Parameters(32, 3, 4), 32,
            Enumerable.Repeat((byte)3, 8).ToArray(), Enumerable.Repeat((byte)4, 12).ToArray());
        Assert.Equal("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Convert.ToHexStringLower(tag));
    }

    [Fact]
    public void Hash_IsPhcArgon2idWithDefaultParametersAndVerifies()
    {
        var hasher = new Argon2idPasswordHasher();
        var encoded = hasher.Hash("a long passphrase");
        Assert.Matches(@"^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$", encoded);
        Assert.True(hasher.Verify("a long passphrase", encoded));
        Assert.False(hasher.Verify("a long passphrasE", encoded));
        Assert.NotEqual(encoded, hasher.Hash("a long passphrase"));
    }

    [Fact]
    public void Verify_UsesTheStoredParameters()
    {
        var cheap = new Argon2idPasswordHasher(new Argon2Parameters(64, 1, 1)).Hash("pw");
        Assert.True(new Argon2idPasswordHasher().Verify("pw", cheap));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=64,t=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1,x=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA")]
    public void Verify_MalformedOrHostileEncoding_IsFalse(string encoded) =>
        Assert.False(new Argon2idPasswordHasher().Verify("pw", encoded));
}
