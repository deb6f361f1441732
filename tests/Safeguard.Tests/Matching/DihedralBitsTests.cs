// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Tests.Matching;

public class DihedralBitsTests
{
    [Fact]
    public void Transforms_ComposeLikeTheDihedralGroup()
    {
        var random = new Random(4);
        var h = IndexTestBanks.RandomHash(random);
        var v = DihedralBits.Variants(h);
        Assert.Equal(h, v[0]);
        // Rotating by 90° twice is rotating by 180°; four times is the identity; a transpose undone by itself.
        Assert.Equal(v[2], DihedralBits.Variants(v[1])[1]);
        Assert.Equal(h, DihedralBits.Variants(DihedralBits.Variants(v[1])[2])[1]);
        Assert.Equal(h, DihedralBits.Variants(v[6])[6]);
        Assert.Equal(h, DihedralBits.Variants(v[4])[4]);
        Assert.Equal(8, v.Distinct().Count());
    }

    [Fact]
    public void Variants_AreNearTheReferenceDctDihedrals()
    {
        // The C++ reference's DCT-derived dihedral hashes of real photos (tests/data/pdq/expected/generated);
        // PDQ's guidance discards hashes of quality 49 or less, whose near-median coefficients make bits unstable.
        var file = Path.Combine(AppContext.BaseDirectory, "data", "pdq", "expected", "generated", "cpp-pdq-photo-hasher.csv");
        var header = File.ReadLines(file).First().Split(',');
        int quality = Array.IndexOf(header, "quality"), first = Array.IndexOf(header, "dih_orig");
        var rows = File.ReadLines(file).Skip(1).Select(l => l.Split(','))
            .Where(f => f.Length > first + 7 && f[first].Length == 64 && int.Parse(f[quality], System.Globalization.CultureInfo.InvariantCulture) >= 50)
            .Select(f => f[first..(first + 8)]).ToList();
        Assert.True(rows.Count >= 20, $"{rows.Count} usable rows");
        int worst = 0;
        foreach (var f in rows)
        {
            var original = Hash256.Parse(f[0]);
            if (original == Hash256.Zero)
            {
                continue;
            }
            var derived = DihedralBits.Variants(original);
            for (int t = 0; t < 8; t++)
            {
                var reference = Hash256.Parse(f[t]);
                worst = Math.Max(worst, derived[t].DistanceTo(reference));
                // Transposes move bits without negating any: exact.
                if (t is 0 or 6)
                {
                    Assert.Equal(reference, derived[t]);
                }
            }
        }
        // Close enough that matching at the PDQ threshold still finds the image.
        Assert.InRange(worst, 0, 31);
    }
}
