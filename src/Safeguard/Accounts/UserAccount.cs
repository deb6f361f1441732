// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Accounts;

/// <summary>A console user.</summary>
/// <param name="Name">Sign-in name (unique, case-insensitive, 1–64 of [a-z0-9._-]).</param>
/// <param name="Roles">What the user may do.</param>
/// <param name="PasswordHash">The encoded password hash (PHC string format, see <see cref="IPasswordHasher"/>).</param>
/// <param name="FailedSignIns">Consecutive failed sign-ins since the last success.</param>
/// <param name="LockedUntil">Sign-in is refused until then.</param>
/// <param name="BlurStrength">How strongly images are blurred for this user (1 weakest … 5 strongest).</param>
/// <param name="DailyImageCap">This user's own cap on image cases per day, or null for the configured default.</param>
/// <param name="Disabled">A disabled user cannot sign in.</param>
/// <param name="CreatedAt">When the account was made.</param>
public sealed record UserAccount(
    string Name,
    ConsoleRoles Roles,
    string PasswordHash,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    int BlurStrength,
    int? DailyImageCap,
    bool Disabled,
    DateTimeOffset CreatedAt)
{
    /// <summary>The default blur strength for new users.</summary>
    public const int DefaultBlurStrength = 3;

    /// <summary>True when <paramref name="name"/> is a valid user name.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');
}

/// <summary>Stores console users. Implementations: in memory (tests), SQLite and PostgreSQL (server).</summary>
public interface IUserStore
{
    /// <summary>The user, or null.</summary>
    Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Adds a user; false when the name is taken.</summary>
    Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken = default);

    /// <summary>Replaces a user's record.</summary>
    Task UpdateAsync(UserAccount user, CancellationToken cancellationToken = default);

    /// <summary>Every user, by name.</summary>
    Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default);
}

/// <summary>Users in memory. Thread-safe.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, UserAccount> _users = new(StringComparer.OrdinalIgnoreCase);

    public Task<UserAccount?> FindAsync(string name, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_users.GetValueOrDefault(name));
        }
    }

    public Task<bool> AddAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            return Task.FromResult(_users.TryAdd(user.Name, user));
        }
    }

    public Task UpdateAsync(UserAccount user, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        lock (_gate)
        {
            _users[user.Name] = user;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<UserAccount> list = [.. _users.Values.OrderBy(u => u.Name, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }
}
