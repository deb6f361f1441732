// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Safeguard.Server;

namespace Safeguard.Cli;

/// <summary><c>safeguard serve</c>: runs the HTTP API until stopped (Ctrl+C or SIGTERM).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls") { Description = $"Where to listen, e.g. http://127.0.0.1:8080 (the default) or http://0.0.0.0:8080." };
        var store = new StoreOptions();
        var command = new Command("serve", "Run the Safeguard server: banks, checks, keys and audit over HTTP. Create a key first with 'safeguard keys create'.")
        {
            urls,
        };
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var args = new List<string>();
            if (parse.GetValue(urls) is { } u)
            {
                args.Add($"--urls={u}");
            }
            if (parse.GetValue(store.Data) is { } data)
            {
                args.Add($"--Safeguard:Storage:DataDirectory={data}");
            }
            if (parse.GetValue(store.Postgres) is { } pg)
            {
                args.Add($"--Safeguard:Storage:Postgres={pg}");
            }
            await using var app = SafeguardServer.Build([.. args]);
            await app.StartAsync(ct).ConfigureAwait(false);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }
}
