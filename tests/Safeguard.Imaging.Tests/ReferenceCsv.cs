// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Imaging.Tests;

/// <summary>Rows of the shared expected-output CSVs (tests/data/pdq/SOURCE.md, specs/pdq.md §18.2).</summary>
public static class ReferenceCsv
{
    public static string DataPath(string relative) => Path.Combine(AppContext.BaseDirectory, "data", "pdq", relative);

    public static IReadOnlyList<Dictionary<string, string>> Read(string name)
    {
        var lines = File.ReadAllLines(DataPath(Path.Combine("expected", "generated", name)));
        var header = Split(lines[0]);
        return [.. lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var f = Split(l);
            return header.Select((h, i) => (h, v: i < f.Length ? f[i] : string.Empty)).ToDictionary(x => x.h, x => x.v);
        })];
    }

    private static string[] Split(string line)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char ch in line)
        {
            if (ch == '"')
            {
                quoted = !quoted;
            }
            else if (ch == ',' && !quoted)
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

    public static bool IsLossless(string file) => file.EndsWith(".png", StringComparison.OrdinalIgnoreCase);

    /// <summary>Rows where pytx/HMA hashes wrongly converted pixels; Safeguard's expected values are in specs/pdq.md §14.</summary>
    public static readonly HashSet<string> HmaDefectRows =
    [
        "misc-images/modes/P.png", "misc-images/modes/CMYK.jpg", "misc-images/modes/1.png", "python-threatexchange-resources/I16.png",
    ];
}
