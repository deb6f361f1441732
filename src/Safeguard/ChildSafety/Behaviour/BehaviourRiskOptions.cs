// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.ChildSafety.Behaviour;

/// <summary>Thresholds for the behaviour signals of grooming spec section 3.2 [ours: defaults to be tuned on review outcomes].</summary>
public sealed record BehaviourRiskOptions
{
    /// <summary>Distinct minors not connected to the account that it contacted in 7 days.</summary>
    public int FanOutDistinctMinors { get; init; } = 10;

    /// <summary>Friend requests to minors in 30 days before the rejection rate counts.</summary>
    public int MinRequestsForRejectionRate { get; init; } = 5;

    public double RejectionRateThreshold { get; init; } = 0.5;

    /// <summary>Blocks plus reports received from minors in 30 days.</summary>
    public int BlocksAndReportsFromMinors { get; init; } = 2;

    /// <summary>Contacts in 7 days from an adult to an unconnected minor at least two bands younger (13-15 or under13).</summary>
    public int LargeAgeGapContacts { get; init; } = 3;

    public TimeSpan NewAccountAge { get; init; } = TimeSpan.FromDays(7);

    /// <summary>First contacts with minors made while the account was younger than <see cref="NewAccountAge"/>.</summary>
    public int NewAccountMinorContacts { get; init; } = 3;

    public int NightStartHour { get; init; } = 22;

    public int NightEndHour { get; init; } = 6;

    /// <summary>Messages in 7 days to minors during the minor's local night. A weak prior (grooming spec 3.2).</summary>
    public int NightContacts { get; init; } = 5;

    /// <summary>Minors first met in a public or group channel and then messaged privately, in 30 days.</summary>
    public int PublicToPrivateMoves { get; init; } = 2;

    /// <summary>Contacts in 30 days with a minor who had blocked the account.</summary>
    public int ContactsAfterBlock { get; init; } = 1;

    /// <summary>Most accounts kept; the least recently active are evicted beyond it.</summary>
    public int MaxAccounts { get; init; } = 1_000_000;

    public static BehaviourRiskOptions Defaults { get; } = new();

    internal void Validate()
    {
        if (FanOutDistinctMinors < 1 || MinRequestsForRejectionRate < 1 || BlocksAndReportsFromMinors < 1 || LargeAgeGapContacts < 1
            || NewAccountMinorContacts < 1 || NightContacts < 1 || PublicToPrivateMoves < 1 || ContactsAfterBlock < 1 || MaxAccounts < 1)
        {
            throw new ArgumentException("behaviour thresholds and maxAccounts must be at least 1");
        }
        if (RejectionRateThreshold is <= 0 or > 1 || NightStartHour is < 0 or > 23 || NightEndHour is < 0 or > 23 || NewAccountAge <= TimeSpan.Zero)
        {
            throw new ArgumentException("rejectionRateThreshold must be in (0, 1], night hours in 0..23 and newAccountAge positive");
        }
    }
}
