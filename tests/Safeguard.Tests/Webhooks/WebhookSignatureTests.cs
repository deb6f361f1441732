// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Safeguard.Webhooks;

namespace Safeguard.Tests.Webhooks;

public sealed class WebhookSignatureTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("dev-only-test-secret");
    private static readonly DateTimeOffset At = DateTimeOffset.FromUnixTimeSeconds(1_772_000_000);
    private const string Body = "{\"version\":1,\"id\":\"e1\"}";

    [Fact]
    public void Sign_MatchesIndependentlyComputedHmac()
    {
        // Computed with the BCL's HMACSHA256 class over the documented string "<t>.<body>".
        using var hmac = new HMACSHA256(Secret);
        var expected = Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes("1772000000." + Body)));
        Assert.Equal($"t=1772000000,v1={expected}", WebhookSignature.Sign(Secret, At, Body));
    }

    [Fact]
    public void Sign_KnownVectorFromOpenSsl()
    {
        // printf '0.x' | openssl dgst -sha256 -hmac Jefe
        Assert.Equal(
            "t=0,v1=6d15f8f565f81ca17757f8569ccb192a1f1e1b2695979a6115221439a5eb67cb",
            WebhookSignature.Sign("Jefe"u8, DateTimeOffset.FromUnixTimeSeconds(0), "x"));
    }

    [Fact]
    public void Verify_AcceptsOwnSignatureWithinTolerance()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);
        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(4), WebhookSignature.DefaultTolerance));
        Assert.True(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(-4), WebhookSignature.DefaultTolerance));
    }

    [Fact]
    public void Verify_RejectsTamperingReplayAndWrongSecret()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);
        Assert.False(WebhookSignature.Verify(Secret, header, Body + " ", At, WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(6), WebhookSignature.DefaultTolerance));
        Assert.False(WebhookSignature.Verify("other"u8, header, Body, At, WebhookSignature.DefaultTolerance));
        var shifted = header.Replace("t=1772000000", "t=1772000001", StringComparison.Ordinal);
        Assert.False(WebhookSignature.Verify(Secret, shifted, Body, At, WebhookSignature.DefaultTolerance));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("v1=00")]
    [InlineData("t=abc,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("t=1772000000")]
    [InlineData("t=1772000000,v1=zz00000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("garbage")]
    [InlineData("t=99999999999999999999,v1=0000000000000000000000000000000000000000000000000000000000000000")]
    public void Verify_MalformedHeader_IsFalseNotAnException(string? header) =>
        Assert.False(WebhookSignature.Verify(Secret, header, Body, At, WebhookSignature.DefaultTolerance));

    [Fact]
    public void Verify_AnyOfSeveralSignatures_DuringRotation()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);
        var old = WebhookSignature.Sign("old-secret"u8, At, Body);
        var both = old + "," + header[(header.IndexOf(',', StringComparison.Ordinal) + 1)..];
        Assert.True(WebhookSignature.Verify(Secret, both, Body, At, WebhookSignature.DefaultTolerance));
    }
}
