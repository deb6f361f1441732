// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;

namespace Safeguard.Security;

/// <summary>An API key as stored: never the secret, only its SHA-256.</summary>
/// <param name="Id">Store-assigned id; logs and audit entries name keys by it.</param>
/// <param name="Name">A label for people (e.g. "upload-service").</param>
/// <param name="Prefix">The first characters of the token, to recognise it in a list.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="RateLimitPerSecond">Requests per second allowed; null for the server's default.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="RevokedAt">When it was revoked; a revoked key authenticates nothing.</param>
public sealed record ApiKey(long Id, string Name, string Prefix, ApiScopes Scopes, int? RateLimitPerSecond, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>True while the key is usable.</summary>
    public bool IsActive => RevokedAt is null;
}

/// <summary>
/// Makes and hashes API key tokens. A token is <c>sgk_</c> followed by 43 base64url characters
/// (32 random bytes). Tokens carry 256 bits of entropy, so a plain SHA-256 is a safe stored form:
/// there is nothing to brute-force that a slow password hash would protect.
/// </summary>
public static class ApiKeyTokens
{
    /// <summary>Every token starts with this.</summary>
    public const string TokenPrefix = "sgk_";

    /// <summary>Characters of the token kept in clear as <see cref="ApiKey.Prefix"/>.</summary>
    public const int DisplayPrefixLength = 12;

    /// <summary>A new random token.</summary>
    public static string Create()
    {
        Span<byte> secret = stackalloc byte[32];
        RandomNumberGenerator.Fill(secret);
        return TokenPrefix + Convert.ToBase64String(secret).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The stored form of <paramref name="token"/>.</summary>
    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>The part of <paramref name="token"/> shown in key lists.</summary>
    public static string DisplayPrefix(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.Length <= DisplayPrefixLength ? token : token[..DisplayPrefixLength];
    }

    /// <summary>True when <paramref name="token"/> has the shape of a token (cheap check before a lookup).</summary>
    public static bool LooksValid(ReadOnlySpan<char> token) =>
        token.StartsWith(TokenPrefix, StringComparison.Ordinal) && token.Length == TokenPrefix.Length + 43 &&
        !token[TokenPrefix.Length..].ContainsAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
}
