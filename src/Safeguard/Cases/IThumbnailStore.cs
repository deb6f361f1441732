// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;

namespace Safeguard.Cases;

/// <summary>A still image kept as case evidence.</summary>
/// <param name="Bytes">Encoded image bytes (PNG or JPEG only: stills, so nothing can play by itself).</param>
/// <param name="ContentType"><c>image/png</c> or <c>image/jpeg</c>.</param>
public sealed record Thumbnail(byte[] Bytes, string ContentType)
{
    /// <summary>The content type of <paramref name="bytes"/> from its signature, or null unless PNG or JPEG.</summary>
    public static string? Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) ? "image/png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : null;
}

/// <summary>
/// Where case thumbnails live, by reference. The evidence vault implements it in production; the
/// console reads through it only for the reviewer who holds the case.
/// </summary>
public interface IThumbnailStore
{
    /// <summary>Keeps <paramref name="thumbnail"/>; returns its reference.</summary>
    Task<string> PutAsync(Thumbnail thumbnail, CancellationToken cancellationToken = default);

    /// <summary>The thumbnail, or null.</summary>
    Task<Thumbnail?> GetAsync(string reference, CancellationToken cancellationToken = default);
}

/// <summary>Thumbnails in memory, for tests.</summary>
public sealed class InMemoryThumbnailStore : IThumbnailStore
{
    private readonly ConcurrentDictionary<string, Thumbnail> _items = new(StringComparer.Ordinal);

    public Task<string> PutAsync(Thumbnail thumbnail, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(thumbnail);
        if (Thumbnail.Sniff(thumbnail.Bytes) is null)
        {
            throw new ArgumentException("a thumbnail must be a PNG or JPEG still", nameof(thumbnail));
        }
        var reference = "thumb-" + Guid.NewGuid().ToString("N");
        _items[reference] = thumbnail;
        return Task.FromResult(reference);
    }

    public Task<Thumbnail?> GetAsync(string reference, CancellationToken cancellationToken = default) =>
        Task.FromResult(_items.GetValueOrDefault(reference));
}
