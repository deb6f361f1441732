// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Safeguard.Security;
using Safeguard.Storage;

namespace Safeguard.Hosting.Security;

/// <summary>
/// Finds the key for a bearer token, caching lookups for a few seconds so checks do not each hit
/// the database. A key revoked through this node stops working at once; one revoked from another
/// process or node stops within <see cref="ApiOptions.KeyCacheSeconds"/>.
/// </summary>
public sealed class ApiKeyAuthenticator(ISafeguardStore store, IOptions<SafeguardOptions> options, TimeProvider time)
{
    // Bounded so a flood of random tokens cannot grow memory without limit.
    private const int MaxCached = 10_000;
    private readonly ConcurrentDictionary<string, (ApiKey? Key, long ExpiresAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The key for <paramref name="token"/> (revoked keys included, so callers can say why), or null.</summary>
    public async ValueTask<ApiKey?> FindAsync(string token, CancellationToken ct)
    {
        if (!ApiKeyTokens.LooksValid(token))
        {
            return null;
        }
        byte[] hash = ApiKeyTokens.Hash(token);
        string cacheKey = Convert.ToHexString(hash);
        long now = time.GetTimestamp();
        if (_cache.TryGetValue(cacheKey, out var cached) && cached.ExpiresAt > now)
        {
            return cached.Key;
        }
        var key = await store.FindApiKeyAsync(hash, ct).ConfigureAwait(false);
        if (_cache.Count >= MaxCached)
        {
            _cache.Clear();
        }
        long ttl = (long)(options.Value.Api.KeyCacheSeconds * (double)time.TimestampFrequency);
        _cache[cacheKey] = (key, now + ttl);
        return key;
    }

    /// <summary>Drops every cached lookup (after a key changes on this node).</summary>
    public void Invalidate() => _cache.Clear();
}
