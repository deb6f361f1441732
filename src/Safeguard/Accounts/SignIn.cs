// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Accounts;

/// <summary>Hashes and checks passwords. The console's implementation is Argon2id (see docs/console.md).</summary>
public interface IPasswordHasher
{
    /// <summary>An encoded hash of <paramref name="password"/> with a fresh salt, in PHC string format.</summary>
    string Hash(string password);

    /// <summary>True when <paramref name="password"/> matches <paramref name="encoded"/>; false for a malformed encoding.</summary>
    bool Verify(string password, string encoded);
}

/// <summary>The result of a sign-in attempt. The console shows the same message for every failure.</summary>
public enum SignInResult
{
    Success,
    Failed,
    LockedOut,
}

/// <summary>Lock-out settings.</summary>
/// <param name="MaxFailures">Consecutive failures that lock the account.</param>
/// <param name="LockoutDuration">How long it stays locked.</param>
public sealed record LockoutPolicy(int MaxFailures, TimeSpan LockoutDuration)
{
    /// <summary>Five failures lock the account for fifteen minutes.</summary>
    public static LockoutPolicy Default { get; } = new(5, TimeSpan.FromMinutes(15));
}

/// <summary>Checks passwords and applies lock-out after repeated failures.</summary>
public sealed class SignInService(IUserStore users, IPasswordHasher hasher, LockoutPolicy policy, TimeProvider time)
{
    // Verified against when the user does not exist, so that the time taken does not reveal which names exist.
    private readonly Lazy<string> _dummyHash = new(() => hasher.Hash("not a real password"));

    /// <summary>Tries to sign <paramref name="name"/> in; on success returns the account.</summary>
    public async Task<(SignInResult Result, UserAccount? User)> SignInAsync(string name, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(password);
        var user = UserAccount.IsValidName(name) ? await users.FindAsync(name, cancellationToken).ConfigureAwait(false) : null;
        var now = time.GetUtcNow();
        if (user is null || user.Disabled)
        {
            hasher.Verify(password, _dummyHash.Value);
            return (SignInResult.Failed, null);
        }
        if (user.LockedUntil > now)
        {
            return (SignInResult.LockedOut, null);
        }
        if (!hasher.Verify(password, user.PasswordHash))
        {
            var failures = user.FailedSignIns + 1;
            var locked = failures >= policy.MaxFailures;
            await users.UpdateAsync(user with { FailedSignIns = locked ? 0 : failures, LockedUntil = locked ? now + policy.LockoutDuration : null }, cancellationToken).ConfigureAwait(false);
            return (locked ? SignInResult.LockedOut : SignInResult.Failed, null);
        }
        if (user.FailedSignIns != 0 || user.LockedUntil is not null)
        {
            user = user with { FailedSignIns = 0, LockedUntil = null };
            await users.UpdateAsync(user, cancellationToken).ConfigureAwait(false);
        }
        return (SignInResult.Success, user);
    }
}
