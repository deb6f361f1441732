// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Hashing;

/// <summary>
/// The 8 images a rotation or flip can make, in the reference's order (specs/pdq.md §12). The
/// value is the index into <see cref="PdqHashResult.Dihedral"/>.
/// </summary>
public enum PdqDihedral
{
    /// <summary>The image as stored.</summary>
    Original = 0,

    /// <summary>Turned 90° counter-clockwise.</summary>
    Rotate90 = 1,

    /// <summary>Turned 180°.</summary>
    Rotate180 = 2,

    /// <summary>Turned 270° counter-clockwise (90° clockwise).</summary>
    Rotate270 = 3,

    /// <summary>Top and bottom swapped.</summary>
    FlipX = 4,

    /// <summary>Left and right swapped (mirror image).</summary>
    FlipY = 5,

    /// <summary>Transposed (upper-left and lower-right corners stay).</summary>
    FlipPlus1 = 6,

    /// <summary>Anti-transposed (upper-right and lower-left corners stay).</summary>
    FlipMinus1 = 7,
}

/// <summary>A PDQ hash with its quality and, when asked for, the 8 dihedral hashes.</summary>
/// <param name="Hash">The 256-bit hash; all zero when <see cref="TooSmall"/>.</param>
/// <param name="Quality">0–100; hashes under 50 should not be matched (specs/pdq.md §16).</param>
/// <param name="Dihedral">The 8 dihedral hashes indexed by <see cref="PdqDihedral"/>, or null when not computed.</param>
/// <param name="TooSmall">True when a side was under <see cref="PdqHasher.MinHashableDimension"/> pixels.</param>
public sealed record PdqHashResult(Hash256 Hash, int Quality, IReadOnlyList<Hash256>? Dihedral, bool TooSmall);
