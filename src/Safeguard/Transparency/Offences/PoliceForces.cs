// SPDX-License-Identifier: Apache-2.0
using System.Text;

namespace Safeguard.Transparency.Offences;

/// <summary>What a row's force name stands for.</summary>
public enum ForceKind
{
    /// <summary>One of the 43 territorial police force areas of England and Wales.</summary>
    Territorial,

    /// <summary>A row that is not a territorial force (British Transport Police, Action Fraud, …).</summary>
    Other,

    /// <summary>A national total stated in the file (United Kingdom, England and Wales).</summary>
    Aggregate,
}

/// <summary>A force with its canonical id and name.</summary>
public sealed record PoliceForce(string Id, string Name, ForceKind Kind);

/// <summary>
/// Maps force names as they appear in releases to one canonical force, from the data file
/// <c>forces.tsv</c> (embedded). Unknown names are an error, never a guess.
/// </summary>
public sealed class PoliceForces
{
    private readonly Dictionary<string, PoliceForce> _byName = new(StringComparer.Ordinal);
    private readonly List<PoliceForce> _all = [];

    private PoliceForces()
    {
    }

    /// <summary>The directory shipped with Safeguard.</summary>
    public static PoliceForces Default { get; } = LoadEmbedded();

    public IReadOnlyList<PoliceForce> All => _all;

    /// <summary>The force a name stands for, or null when the name is unknown.</summary>
    public PoliceForce? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.GetValueOrDefault(Normalise(name));
    }

    /// <summary>Lower case, "&amp;" as "and", punctuation dropped, spaces collapsed: "London, City of" → "london city of".</summary>
    public static string Normalise(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var s = new StringBuilder(name.Length);
        bool space = false;
        foreach (char raw in name.Replace("&", " and ", StringComparison.Ordinal))
        {
            char c = char.ToLowerInvariant(raw);
            if (char.IsLetterOrDigit(c))
            {
                if (space && s.Length > 0)
                {
                    s.Append(' ');
                }
                s.Append(c);
                space = false;
            }
            else if (char.IsWhiteSpace(c) || c is '-' or ',' or '.' or '/')
            {
                space = true;
            }
        }
        return s.ToString();
    }

    /// <summary>Parses a directory in the forces.tsv layout.</summary>
    public static PoliceForces Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var forces = new PoliceForces();
        int lineNumber = 0;
        while (reader.ReadLine() is string line)
        {
            lineNumber++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var cols = line.Split('\t');
            if (cols.Length < 3)
            {
                throw new FormatException($"forces line {lineNumber}: expected id, name, kind and aliases");
            }
            var kind = cols[2] switch
            {
                "territorial" => ForceKind.Territorial,
                "other" => ForceKind.Other,
                "aggregate" => ForceKind.Aggregate,
                _ => throw new FormatException($"forces line {lineNumber}: unknown kind"),
            };
            var force = new PoliceForce(cols[0], cols[1], kind);
            forces._all.Add(force);
            var names = new List<string> { cols[1] };
            if (cols.Length > 3)
            {
                names.AddRange(cols[3].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            }
            foreach (string n in names)
            {
                // Variants that normalise alike ("Avon & Somerset") are kept in the file for readers; only a
                // name claimed by two different forces is an error.
                if (!forces._byName.TryAdd(Normalise(n), force) && forces._byName[Normalise(n)] != force)
                {
                    throw new FormatException($"forces line {lineNumber}: a name is listed for two forces");
                }
            }
        }
        return forces;
    }

    private static PoliceForces LoadEmbedded()
    {
        using var stream = typeof(PoliceForces).Assembly.GetManifestResourceStream("Safeguard.Transparency.Offences.forces.tsv")
            ?? throw new InvalidOperationException("the embedded force directory is missing from the build");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return Parse(reader);
    }
}
