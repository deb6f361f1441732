// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Webhooks;

/// <summary>
/// When to retry a failed delivery: the n-th retry waits <c>Initial × 2^(n−1)</c>, capped at
/// <see cref="Max"/>; after <see cref="MaxAttempts"/> attempts the message is dead-lettered.
/// With the defaults (30 s, 1 h, 12 attempts) a message is retried for about seven hours.
/// No jitter: the outbox lease already spreads work across nodes, and fixed delays keep the
/// schedule predictable for the platform's operators.
/// </summary>
/// <param name="Initial">Delay before the first retry.</param>
/// <param name="Max">Longest delay between attempts.</param>
/// <param name="MaxAttempts">Attempts before giving up (including the first).</param>
public sealed record BackoffPolicy(TimeSpan Initial, TimeSpan Max, int MaxAttempts)
{
    /// <summary>30 seconds doubling up to one hour, 12 attempts.</summary>
    public static BackoffPolicy Default { get; } = new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), 12);

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt (1-based).</summary>
    public TimeSpan DelayAfter(int attempts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        // Doubling past 2^30 overflows long before any real cap, so stop doubling once the cap is reached.
        var delay = Initial;
        for (var i = 1; i < attempts && delay < Max; i++)
        {
            delay += delay;
        }
        return delay < Max ? delay : Max;
    }
}
