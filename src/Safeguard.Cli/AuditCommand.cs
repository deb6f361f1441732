// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Safeguard.Records;

namespace Safeguard.Cli;

/// <summary><c>safeguard audit verify</c>: checks the hash chain of the server's audit log.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var command = new Command("audit", "Work with the server's tamper-evident audit log.");
        var store = new StoreOptions();
        var verify = new Command("verify", "Verify the audit log's hash chain; report the first edited, inserted or deleted entry (exit 1).");
        store.AddTo(verify);
        verify.SetAction(async (parse, ct) =>
        {
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            var entries = new List<ChainEntry>();
            await foreach (var e in db.ReadAuditAsync(ct).ConfigureAwait(false))
            {
                entries.Add(e);
            }
            var result = HashChain.Verify(entries);
            if (result.IsValid)
            {
                await Console.Out.WriteLineAsync($"audit log verified: {result.EntriesChecked} entries, head {HashChain.ToHex(result.Head)}").ConfigureAwait(false);
                return CliApp.ExitOk;
            }
            string what = result.Fault switch
            {
                ChainFault.Edited => "edited",
                ChainFault.Inserted => "inserted",
                _ => "deleted",
            };
            await Console.Out.WriteLineAsync($"audit log broken: entry {result.Sequence} was {what} ({result.EntriesChecked} entries verified before it)").ConfigureAwait(false);
            return CliApp.ExitSomeFailed;
        });
        command.Subcommands.Add(verify);
        return command;
    }
}
