// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Safeguard.Cli;

// Each area contributes its commands from its own file; keep this list one line per area.
var root = new RootCommand("Safeguard: a child-safety engine. Hash and match images, scan text, serve the API.");
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(ReportsCommand.Create());
root.Subcommands.Add(HashCommand.Create());
root.Subcommands.Add(TransparencyCommand.Create());
root.Subcommands.Add(OffencesCommand.Create());
root.Subcommands.Add(MatchCommand.Create());
BenchIndexCommand.AddTo(root);
root.Subcommands.Add(ScanTextCommand.Create());
root.Subcommands.Add(GroomingCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(KeysCommand.Create());
root.Subcommands.Add(UsersCommand.Create());
root.Subcommands.Add(AuditCommand.Create());
BenchCheckCommand.AddTo(root);
return await CliApp.RunAsync(root, args).ConfigureAwait(false);
