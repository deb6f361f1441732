// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Imaging;

/// <summary>Which preprocessing a hash follows (specs/pdq.md §13).</summary>
public enum PdqPreset
{
    /// <summary>HMA / python-threatexchange: full resolution, alpha ignored (the default).</summary>
    Hma,

    /// <summary>The C++ pdq-photo-hasher: 512×512 nearest-neighbour pre-resize.</summary>
    Cpp,
}

/// <summary>Options for <see cref="ImageHasher"/>.</summary>
public sealed record ImageHashOptions
{
    /// <summary>The preprocessing preset.</summary>
    public PdqPreset Preset { get; init; } = PdqPreset.Hma;

    /// <summary>Largest image accepted, in pixels, checked from the header before pixels are allocated.</summary>
    public long MaxPixels { get; init; } = 100_000_000;

    /// <summary>Apply the EXIF orientation before hashing (the references ignore it).</summary>
    public bool ApplyExifOrientation { get; init; }

    /// <summary>Also compute the 8 dihedral hashes.</summary>
    public bool Dihedral { get; init; }

    /// <summary>Decode large JPEGs at reduced size in the DCT domain.</summary>
    public bool Fast { get; init; }
}

/// <summary>What an image hashes to.</summary>
/// <param name="Pdq">The PDQ hash (zero when <paramref name="TooSmall"/>).</param>
/// <param name="Quality">PDQ quality 0–100.</param>
/// <param name="Dihedral">The 8 dihedral hashes in the reference's order, when asked for.</param>
/// <param name="Md5">MD5 of the file bytes.</param>
/// <param name="Sha1">SHA-1 of the file bytes.</param>
/// <param name="Sha256">SHA-256 of the file bytes.</param>
/// <param name="Width">Decoded width in pixels.</param>
/// <param name="Height">Decoded height in pixels.</param>
/// <param name="Format">Detected format: jpeg, png, gif, webp, bmp, tiff.</param>
/// <param name="TooSmall">True when a side is under 5 px (zero hash, quality 0).</param>
public sealed record ImageHashResult(
    Hash256 Pdq,
    int Quality,
    IReadOnlyList<Hash256>? Dihedral,
    byte[] Md5,
    byte[] Sha1,
    byte[] Sha256,
    int Width,
    int Height,
    string Format,
    bool TooSmall);

/// <summary>Why an image was rejected.</summary>
public enum ImageRejectReason
{
    /// <summary>No bytes.</summary>
    Empty,

    /// <summary>Not a format Safeguard decodes.</summary>
    UnsupportedFormat,

    /// <summary>The data is cut short.</summary>
    Truncated,

    /// <summary>The data is damaged or not what its header says.</summary>
    Corrupt,

    /// <summary>The header declares more pixels than allowed.</summary>
    TooManyPixels,
}

/// <summary>An image that cannot be hashed, with a reason and a message fit to show the user.</summary>
public sealed class ImageRejectedException(ImageRejectReason reason, string message) : Exception(message)
{
    /// <summary>Why it was rejected.</summary>
    public ImageRejectReason Reason { get; } = reason;
}

/// <summary>Decodes an image file and computes its PDQ hash, quality and exact digests. Thread-safe.</summary>
public sealed class ImageHasher
{
    /// <summary>Creates a hasher with <paramref name="options"/> (defaults when null).</summary>
    public ImageHasher(ImageHashOptions? options = null) => Options = options ?? new ImageHashOptions();

    /// <summary>The options in force.</summary>
    public ImageHashOptions Options { get; }

    /// <summary>Hashes one file's bytes. Throws <see cref="ImageRejectedException"/> for bad input.</summary>
    public ImageHashResult Hash(ReadOnlySpan<byte> fileBytes) =>
        throw new NotImplementedException("PDQ image hashing lands with issue 2");
}
