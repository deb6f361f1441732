// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard match --bank FILE [--radius 31] [--dihedral] [QUERIES|-]</c>: prints one JSON line
/// per bank entry within the radius of each query.
/// </summary>
internal static class MatchCommand
{
    public static Command Create()
    {
        var bank = new Option<string>("--bank")
        {
            Description = "The bank: a hash list (one PDQ hash per line as HEX, HEX,ID or 'pdq HEX'; without an id the line number is the id) or an index file saved by Safeguard.",
            Required = true,
        };
        var radius = new Option<int>("--radius") { Description = "Largest Hamming distance that matches (0–256).", DefaultValueFactory = _ => 31 };
        var dihedral = new Option<bool>("--dihedral")
        {
            Description = "Also match each query's 7 rotations and flips, derived from its bits (approximate; specs/pdq.md §12); the distance is the smallest.",
        };
        var queries = new Argument<string>("queries")
        {
            Description = "Query hash list (same line forms; a query's label is its id, else its hash), or - for standard input.",
            Arity = ArgumentArity.ZeroOrOne,
            DefaultValueFactory = _ => "-",
        };
        var command = new Command("match", "Match PDQ hashes against a bank; one JSON line {\"query\",\"id\",\"distance\"} per match.") { bank, radius, dihedral, queries };
        command.SetAction(parse => Run(parse.GetValue(bank)!, parse.GetValue(radius), parse.GetValue(dihedral), parse.GetValue(queries) ?? "-"));
        return command;
    }

    private static int Run(string bankPath, int radius, bool dihedral, string queriesPath)
    {
        if (radius is < 0 or > 256)
        {
            throw new UsageException($"--radius must be 0 to 256, got {radius}");
        }
        if (!File.Exists(bankPath))
        {
            throw new UsageException($"bank file '{bankPath}' not found");
        }
        if (queriesPath != "-" && !File.Exists(queriesPath))
        {
            throw new UsageException($"query file '{queriesPath}' not found");
        }
        bool ok = true;
        PdqRadiusIndex index;
        try
        {
            index = LoadBank(bankPath, ref ok);
        }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine($"safeguard: bank '{bankPath}': {e.Message}");
            return CliApp.ExitSomeFailed;
        }

        using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16);
        using var input = queriesPath == "-" ? new StreamReader(Console.OpenStandardInput()) : new StreamReader(queriesPath);
        var results = new List<IndexMatch>();
        int lineNumber = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            var kind = HashListLine.Parse(line, out var hash, out var id, out var error);
            if (kind == HashListLineKind.Empty)
            {
                continue;
            }
            if (kind == HashListLineKind.Invalid)
            {
                Console.Error.WriteLine($"safeguard: {Describe(queriesPath)} line {lineNumber}: {error}");
                ok = false;
                continue;
            }
            results.Clear();
            if (dihedral)
            {
                index.SearchAny(DihedralBits.Variants(hash), radius, results);
            }
            else
            {
                index.Search(hash, radius, results);
            }
            string label = JsonSerializer.Serialize(id ?? hash.ToString());
            foreach (var match in results)
            {
                output.Write("{\"query\":");
                output.Write(label);
                output.Write(",\"id\":");
                output.Write(match.Id.ToString(CultureInfo.InvariantCulture));
                output.Write(",\"distance\":");
                output.Write(match.Distance.ToString(CultureInfo.InvariantCulture));
                output.Write("}\n");
            }
        }
        return ok ? CliApp.ExitOk : CliApp.ExitSomeFailed;
    }

    private static string Describe(string path) => path == "-" ? "standard input" : $"'{path}'";

    /// <summary>Reads an index file, or builds an index from a hash list, reporting bad lines.</summary>
    private static PdqRadiusIndex LoadBank(string path, ref bool ok)
    {
        Span<byte> magic = stackalloc byte[8];
        using (var probe = File.OpenRead(path))
        {
            if (probe.ReadAtLeast(magic, 8, throwOnEndOfStream: false) == 8 && magic.SequenceEqual("SGPDQIDX"u8))
            {
                probe.Position = 0;
                return PdqRadiusIndex.Load(probe);
            }
        }
        var hashes = new List<Hash256>();
        var ids = new List<long>();
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var kind = HashListLine.Parse(line, out var hash, out var idText, out var error);
            if (kind == HashListLineKind.Empty)
            {
                continue;
            }
            long id = lineNumber;
            if (kind == HashListLineKind.Hash && idText is not null && !long.TryParse(idText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id))
            {
                kind = HashListLineKind.Invalid;
                error = "a bank id must be a whole number";
            }
            if (kind == HashListLineKind.Invalid)
            {
                Console.Error.WriteLine($"safeguard: bank '{path}' line {lineNumber}: {error}");
                ok = false;
                continue;
            }
            hashes.Add(hash);
            ids.Add(id);
        }
        return PdqRadiusIndex.Build(hashes.ToArray(), ids.ToArray());
    }
}
