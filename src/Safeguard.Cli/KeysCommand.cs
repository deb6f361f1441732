// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using Safeguard.Records;
using Safeguard.Security;

namespace Safeguard.Cli;

/// <summary><c>safeguard keys create|list|revoke</c>: API keys of the server's database.</summary>
internal static class KeysCommand
{
    private const string Actor = "cli";

    public static Command Create()
    {
        var command = new Command("keys", "Create, list and revoke the server's API keys. Keys are stored only as hashes: a new key is shown once.");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(ListKeys());
        command.Subcommands.Add(RevokeKey());
        return command;
    }

    private static Command CreateKey()
    {
        var name = new Option<string>("--name") { Description = "A label for people, e.g. upload-service.", Required = true };
        var scopes = new Option<string>("--scopes") { Description = $"Comma-separated: {string.Join(", ", ApiScopeNames.Names)}.", Required = true };
        var rate = new Option<int?>("--rate-limit") { Description = "Requests per second (default: the server's Safeguard:Api:DefaultRateLimitPerSecond)." };
        var store = new StoreOptions();
        var command = new Command("create", "Create an API key and print it (once).") { name, scopes, rate };
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            string label = parse.GetValue(name)!.Trim();
            if (label.Length is 0 or > 100 || label.Any(char.IsControl))
            {
                throw new UsageException("--name must be 1-100 printable characters");
            }
            if (!ApiScopeNames.TryParse(parse.GetValue(scopes), out var granted, out var error))
            {
                throw new UsageException($"--scopes: {error}");
            }
            int? limit = parse.GetValue(rate);
            if (limit is < 1)
            {
                throw new UsageException("--rate-limit must be at least 1");
            }
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            var (key, token) = await db.CreateApiKeyAsync(label, granted, limit, Actor, ct).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"created key {key.Id} ({key.Name}, scopes {key.Scopes.ToText()}); store it now, it is not shown again:").ConfigureAwait(false);
            await Console.Out.WriteLineAsync(token).ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command ListKeys()
    {
        var store = new StoreOptions();
        var command = new Command("list", "List keys: id, prefix, name, scopes, rate limit, created, revoked.");
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync("id\tprefix\tname\tscopes\trate_limit\tcreated\trevoked").ConfigureAwait(false);
            foreach (var k in await db.ListApiKeysAsync(ct).ConfigureAwait(false))
            {
                await Console.Out.WriteLineAsync(string.Join('\t',
                    k.Id.ToString(CultureInfo.InvariantCulture), k.Prefix, k.Name, k.Scopes.ToText(),
                    k.RateLimitPerSecond?.ToString(CultureInfo.InvariantCulture) ?? "default",
                    HashChain.FormatTime(k.CreatedAt), k.RevokedAt is null ? "-" : HashChain.FormatTime(k.RevokedAt.Value))).ConfigureAwait(false);
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command RevokeKey()
    {
        var id = new Argument<long>("id") { Description = "The key's id (from 'safeguard keys list')." };
        var store = new StoreOptions();
        var command = new Command("revoke", "Revoke a key. Servers stop accepting it within their key cache time (10 s by default).") { id };
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            long keyId = parse.GetValue(id);
            if (!await db.RevokeApiKeyAsync(keyId, Actor, ct).ConfigureAwait(false))
            {
                await Console.Error.WriteLineAsync($"safeguard: there is no active key {keyId}").ConfigureAwait(false);
                return CliApp.ExitSomeFailed;
            }
            await Console.Out.WriteLineAsync($"revoked key {keyId}").ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }
}
