// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Safeguard.Hashing;

namespace Safeguard.Cli;

/// <summary><c>safeguard compare HASH HASH</c>: prints the Hamming distance of two PDQ hashes.</summary>
internal static class CompareCommand
{
    public static Command Create()
    {
        var first = new Argument<string>("first") { Description = "A PDQ hash (64 hex digits)." };
        var second = new Argument<string>("second") { Description = "Another PDQ hash (64 hex digits)." };
        var command = new Command("compare", "Print the Hamming distance between two PDQ hashes.") { first, second };
        command.SetAction(parse =>
        {
            var a = ParseHash(parse.GetValue(first)!, "first");
            var b = ParseHash(parse.GetValue(second)!, "second");
            Console.Out.WriteLine(a.DistanceTo(b));
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Hash256 ParseHash(string text, string which) =>
        Hash256.TryParse(text.Trim(), out var hash, out var error)
            ? hash
            : throw new UsageException($"the {which} hash is not valid: {error}");
}
