// SPDX-License-Identifier: Apache-2.0
using System.CommandLine;
using System.Globalization;
using System.Text;
using Safeguard.Accounts;
using Safeguard.ReviewConsole;
using Safeguard.Storage;

namespace Safeguard.Cli;

/// <summary>
/// <c>safeguard users add|list|disable</c>: review console accounts in the server's database. The
/// password is read from standard input or typed at a prompt, never taken from the command line
/// (which other users of the machine and shell histories can see).
/// </summary>
internal static class UsersCommand
{
    private const string Actor = "cli";
    private const int MinPasswordLength = 12;
    private const int MaxPasswordLength = 1024;

    public static Command Create()
    {
        var command = new Command("users", "Add, list and disable review console accounts (roles: " + string.Join(", ", RoleNames.All) + ").");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Disable());
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("name") { Description = "Sign-in name: 1-64 of a-z, 0-9, '.', '_', '-'." };
        var roles = new Option<string>("--roles") { Description = $"Comma-separated: {string.Join(", ", RoleNames.All)}.", Required = true };
        var cap = new Option<int?>("--daily-image-cap") { Description = "This user's own cap on image cases per day (default: Safeguard:Review:DailyImageCap)." };
        var store = new StoreOptions();
        var command = new Command("add", "Add an account. The password is read from standard input (one line) or asked for at the terminal.") { name, roles, cap };
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var user = parse.GetValue(name)!.Trim().ToLowerInvariant();
            if (!UserAccount.IsValidName(user))
            {
                throw new UsageException("name: 1-64 characters of a-z, 0-9, '.', '_' or '-'");
            }
            if (!RoleNames.TryParse(parse.GetValue(roles), out var granted, out var error))
            {
                throw new UsageException($"--roles: {error}");
            }
            if (parse.GetValue(cap) is < 0)
            {
                throw new UsageException("--daily-image-cap must be 0 or more");
            }
            var password = await ReadPasswordAsync(ct).ConfigureAwait(false);
            var hash = new Argon2idPasswordHasher().Hash(password);
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            var users = new SqlUserStore(db);
            var account = new UserAccount(user, granted, hash, 0, null, UserAccount.DefaultBlurStrength, parse.GetValue(cap), false, DateTimeOffset.UtcNow);
            if (!await users.AddAsync(account, ct).ConfigureAwait(false))
            {
                throw new UsageException($"a user named '{user}' already exists");
            }
            await db.AppendAuditAsync("user.created", AuditPayload.By(Actor).With("user", user).With("roles", RoleNames.Format(granted)).ToString(), ct).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"added {user} ({RoleNames.Format(granted)})").ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command List()
    {
        var store = new StoreOptions();
        var command = new Command("list", "List accounts: name, roles, state, daily image cap, created.");
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow;
            foreach (var u in await new SqlUserStore(db).ListAsync(ct).ConfigureAwait(false))
            {
                var state = u.Disabled ? "disabled" : u.LockedUntil > now ? "locked" : "active";
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{u.Name}\t{RoleNames.Format(u.Roles)}\t{state}\t{(u.DailyImageCap is { } c ? c.ToString(CultureInfo.InvariantCulture) : "default")}\t{u.CreatedAt:yyyy-MM-dd}")).ConfigureAwait(false);
            }
            return CliApp.ExitOk;
        });
        return command;
    }

    private static Command Disable()
    {
        var name = new Argument<string>("name") { Description = "The account to disable; it can no longer sign in." };
        var store = new StoreOptions();
        var command = new Command("disable", "Disable an account (kept for the record; its sessions end at their next request).") { name };
        store.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var user = parse.GetValue(name)!.Trim().ToLowerInvariant();
            await using var db = await store.OpenAsync(parse, ct).ConfigureAwait(false);
            var users = new SqlUserStore(db);
            var account = await users.FindAsync(user, ct).ConfigureAwait(false) ?? throw new UsageException($"no user named '{user}'");
            if (!account.Disabled)
            {
                await users.UpdateAsync(account with { Disabled = true }, ct).ConfigureAwait(false);
                await db.AppendAuditAsync("user.disabled", AuditPayload.By(Actor).With("user", user).ToString(), ct).ConfigureAwait(false);
            }
            await Console.Out.WriteLineAsync($"disabled {user}").ConfigureAwait(false);
            return CliApp.ExitOk;
        });
        return command;
    }

    private static async Task<string> ReadPasswordAsync(CancellationToken ct)
    {
        string? password;
        if (Console.IsInputRedirected)
        {
            password = await Console.In.ReadLineAsync(ct).ConfigureAwait(false);
        }
        else
        {
            password = Prompt("Password: ");
            if (!string.Equals(password, Prompt("Repeat password: "), StringComparison.Ordinal))
            {
                throw new UsageException("the passwords differ");
            }
        }
        if (password is null || password.Length < MinPasswordLength || password.Length > MaxPasswordLength)
        {
            throw new UsageException($"the password needs {MinPasswordLength}-{MaxPasswordLength} characters (give it on standard input or at the prompt, never as an argument)");
        }
        return password;
    }

    private static string Prompt(string label)
    {
        Console.Error.Write(label);
        var text = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
