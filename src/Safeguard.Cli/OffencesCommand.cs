// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Text;
using Safeguard.Transparency.Offences;

namespace Safeguard.Cli;

/// <summary><c>safeguard offences summary FILE</c>: police recorded crime figures per force and nationally, as JSON lines.</summary>
internal static class OffencesCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A Home Office police recorded crime table (.csv or .ods)." };
        var force = new Option<string?>("--force") { Description = "Only this force (any known name, e.g. \"Avon & Somerset\")." };
        var offence = new Option<string[]>("--offence")
        {
            Description = "Offence code to sum (repeatable). Default: indecent images of children, 86/2 + 86/10 + 86/15.",
            AllowMultipleArgumentsPerToken = false,
        };
        var charts = new Option<string?>("--charts") { Description = "Also write SVG charts (one per force, one national trend) into this folder." };
        var summary = new Command("summary", "Count, year-on-year change, rate per day and one-every-N-minutes, per force and year, then the national total.")
        {
            file, force, offence, charts,
        };
        summary.SetAction(async (parse, cancellationToken) =>
        {
            string path = parse.GetValue(file)!;
            OffenceSummary result;
            try
            {
                var table = File.Exists(path) ? OffenceTable.Load(path) : throw new OffenceTableException($"{path}: no such file");
                result = OffenceStatistics.Summarise(table, new OffenceQuery { Force = parse.GetValue(force), OffenceCodes = parse.GetValue(offence) ?? [] });
            }
            catch (OffenceTableException e)
            {
                await Console.Error.WriteLineAsync($"safeguard: {e.Message}").ConfigureAwait(false);
                return CliApp.ExitSomeFailed;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"safeguard: {path}: cannot read ({e.GetType().Name})").ConfigureAwait(false);
                return CliApp.ExitSomeFailed;
            }
            var text = new StringBuilder();
            foreach (var f in result.Forces.Concat(result.National))
            {
                text.Append(OffenceStatistics.ToJsonLine(f, result)).Append('\n');
            }
            await Console.Out.WriteAsync(text.ToString()).ConfigureAwait(false);
            if (parse.GetValue(charts) is string folder)
            {
                Directory.CreateDirectory(folder);
                foreach (var (name, svg) in OffenceStatistics.Charts(result))
                {
                    await File.WriteAllTextAsync(Path.Combine(folder, name), svg, new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                }
            }
            return CliApp.ExitOk;
        });
        return new Command("offences", "Public police recorded crime statistics.") { summary };
    }
}
