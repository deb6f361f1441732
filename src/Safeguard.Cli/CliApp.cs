// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;

namespace Safeguard.Cli;

/// <summary>Exit codes and the shared entry point of the <c>safeguard</c> command.</summary>
internal static class CliApp
{
    /// <summary>Everything worked.</summary>
    public const int ExitOk = 0;

    /// <summary>The command ran but some input failed (a bad file, a bad line).</summary>
    public const int ExitSomeFailed = 1;

    /// <summary>The command line itself was wrong.</summary>
    public const int ExitUsage = 2;

    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"safeguard: {error.Message}").ConfigureAwait(false);
            }
            await Console.Error.WriteLineAsync("Run 'safeguard --help' for usage.").ConfigureAwait(false);
            return ExitUsage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"safeguard: {e.Message}").ConfigureAwait(false);
            return ExitUsage;
        }
    }
}

/// <summary>Thrown by a command when its arguments are wrong; reported with exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
