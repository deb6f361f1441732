// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Webhooks;

/// <summary>
/// Signs and verifies webhook bodies. The header is
/// <c>Safeguard-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256&gt;</c>, where the MAC is
/// HMAC-SHA256(secret, UTF-8("&lt;t&gt;." + body)). Binding the timestamp stops replays of old
/// deliveries; receivers reject a timestamp outside their tolerance (five minutes by default).
/// Several <c>v1=</c> entries may appear while a secret is being rotated; any one matching is enough.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header that carries the signature.</summary>
    public const string HeaderName = "Safeguard-Signature";

    /// <summary>The header with the event id, for de-duplication by the receiver.</summary>
    public const string EventIdHeader = "Safeguard-Event-Id";

    /// <summary>The header with the event type.</summary>
    public const string EventTypeHeader = "Safeguard-Event-Type";

    /// <summary>Default tolerance between the signed time and the receiver's clock.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>The header value for <paramref name="body"/> signed at <paramref name="time"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> secret, DateTimeOffset time, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var seconds = time.ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"t={seconds},v1={Convert.ToHexStringLower(Mac(secret, seconds, body))}");
    }

    /// <summary>
    /// Checks <paramref name="header"/> against <paramref name="body"/>. False for a malformed header,
    /// a time outside <paramref name="tolerance"/> of <paramref name="now"/>, or no matching MAC.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> secret, string? header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (string.IsNullOrEmpty(header) || header.Length > 4096)
        {
            return false;
        }
        long? seconds = null;
        var candidates = new List<byte[]>();
        foreach (var part in header.Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return false;
            }
            var key = part.AsSpan(0, eq).Trim();
            var value = part.AsSpan(eq + 1).Trim();
            if (key.SequenceEqual("t"))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return false;
                }
                seconds = t;
            }
            else if (key.SequenceEqual("v1") && value.Length == 64)
            {
                try
                {
                    candidates.Add(Convert.FromHexString(value));
                }
                catch (FormatException)
                {
                    return false;
                }
            }
        }
        if (seconds is null || candidates.Count == 0)
        {
            return false;
        }
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(seconds.Value, -62135596800L, 253402300799L));
        if ((now - signedAt).Duration() > tolerance)
        {
            return false;
        }
        var expected = Mac(secret, seconds.Value, body);
        var ok = false;
        foreach (var candidate in candidates)
        {
            ok |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }
        return ok;
    }

    private static byte[] Mac(ReadOnlySpan<byte> secret, long seconds, string body) =>
        HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(seconds.ToString(CultureInfo.InvariantCulture) + "." + body));
}
