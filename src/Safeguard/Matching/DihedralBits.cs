// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;

namespace Safeguard.Matching;

/// <summary>
/// The 8 dihedral variants of a PDQ hash derived from its bits alone (specs/pdq.md §12), for
/// when only the hash is known. Each transform moves coefficient (i, j) and may negate it;
/// here a negated coefficient's bit is complemented. That is exact for the moves and for the
/// transpose, and approximate where a sign changes, since the transformed matrix gets its own
/// median: use the hasher's DCT-derived dihedral hashes when the image is at hand.
/// </summary>
public static class DihedralBits
{
    /// <summary>Names in output order: Original, Rotate90, Rotate180, Rotate270, FlipX, FlipY, FlipPlus1, FlipMinus1.</summary>
    public static IReadOnlyList<string> Names { get; } = ["Original", "Rotate90", "Rotate180", "Rotate270", "FlipX", "FlipY", "FlipPlus1", "FlipMinus1"];

    /// <summary>The 8 variants of <paramref name="hash"/>, in the order of <see cref="Names"/>.</summary>
    public static Hash256[] Variants(in Hash256 hash)
    {
        var result = new Hash256[8];
        for (int t = 0; t < 8; t++)
        {
            result[t] = Transform(hash, t);
        }
        return result;
    }

    private static Hash256 Transform(in Hash256 hash, int transform)
    {
        Span<ulong> words = stackalloc ulong[4];
        for (int i = 0; i < 16; i++)
        {
            for (int j = 0; j < 16; j++)
            {
                bool oddI = (i & 1) == 1, oddJ = (j & 1) == 1;
                // Destination coefficient and whether the value is negated (specs/pdq.md §12 table).
                (int row, int col, bool negate) = transform switch
                {
                    0 => (i, j, false),
                    1 => (j, i, !oddJ),
                    2 => (i, j, oddI ^ oddJ),
                    3 => (j, i, !oddI),
                    4 => (i, j, !oddI),
                    5 => (i, j, !oddJ),
                    6 => (j, i, false),
                    _ => (j, i, oddI ^ oddJ),
                };
                bool bit = hash.GetBit((16 * i) + j) ^ negate;
                if (bit)
                {
                    int k = (16 * row) + col;
                    words[k >> 6] |= 1UL << (k & 63);
                }
            }
        }
        return new Hash256(words[0], words[1], words[2], words[3]);
    }
}
