// SPDX-License-Identifier: Apache-2.0
using System.Globalization;

namespace Safeguard.Tests.Hashing;

/// <summary>Reads the shared PDQ vectors in tests/data/pdq/expected/generated (see tests/data/pdq/SOURCE.md).</summary>
internal static class PdqTestVectors
{
    public static string Generated(string name) => Path.Combine(AppContext.BaseDirectory, "data", "pdq", "expected", "generated", name);

    public sealed record SyntheticCase(string Name, int Rows, int Cols, string Formula, string Hash, int Quality, string[] Dihedral, int DihedralQuality);

    public static IReadOnlyList<SyntheticCase> SyntheticCases()
    {
        var lines = File.ReadAllLines(Generated("synthetic-core-vectors.csv"));
        var header = SplitCsv(lines[0]);
        var result = new List<SyntheticCase>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var f = SplitCsv(line);
            string Get(string column) => f[Array.IndexOf(header, column)];
            string[] dihedral =
            [
                Get("dih_orig"), Get("dih_rot90"), Get("dih_rot180"), Get("dih_rot270"),
                Get("dih_flipx"), Get("dih_flipy"), Get("dih_flipplus1"), Get("dih_flipminus1"),
            ];
            result.Add(new SyntheticCase(
                Get("case"), int.Parse(Get("rows"), CultureInfo.InvariantCulture), int.Parse(Get("cols"), CultureInfo.InvariantCulture),
                Get("pixel_formula"), Get("hash"), int.Parse(Get("quality"), CultureInfo.InvariantCulture), dihedral,
                int.Parse(Get("dih_quality"), CultureInfo.InvariantCulture)));
        }
        return result;
    }

    /// <summary>RGB bytes of a synthetic case, generated from its formula as SOURCE.md describes.</summary>
    public static byte[] Pixels(SyntheticCase c)
    {
        var rgb = new byte[c.Rows * c.Cols * 3];
        if (c.Formula.StartsWith("LCG seed=", StringComparison.Ordinal))
        {
            var seedText = c.Formula["LCG seed=".Length..].Split(';')[0];
            uint s = uint.Parse(seedText, CultureInfo.InvariantCulture);
            for (int i = 0; i < rgb.Length; i++)
            {
                s = unchecked((s * 1103515245u) + 12345u);
                rgb[i] = (byte)((s >> 16) & 255);
            }
            return rgb;
        }
        for (int i = 0; i < c.Rows; i++)
        {
            for (int j = 0; j < c.Cols; j++)
            {
                int p = ((i * c.Cols) + j) * 3;
                (int r, int g, int b) = c.Name switch
                {
                    "gradient-200x300" => ((7 * i) + (13 * j), 3 * i, 5 * j),
                    "checker-256x256" => Grey(((i / 32) + (j / 32)) % 2 == 1 ? 230 : 20),
                    "flat-128-320x240" => Grey(128),
                    _ => throw new InvalidDataException($"no generator for synthetic case {c.Name}: {c.Formula}"),
                };
                rgb[p] = (byte)(r & 255);
                rgb[p + 1] = (byte)(g & 255);
                rgb[p + 2] = (byte)(b & 255);
            }
        }
        return rgb;

        static (int, int, int) Grey(int v) => (v, v, v);
    }

    /// <summary>A file of lines of comma-separated floats (%.9g), parsed as float.</summary>
    public static float[] FloatMatrix(string name) =>
        File.ReadAllLines(Generated(name)).Where(l => l.Length > 0)
            .SelectMany(l => l.Split(','))
            .Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture))
            .ToArray();

    public static string[] SplitCsv(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }
        fields.Add(current.ToString());
        return [.. fields];
    }
}
