// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Globalization;
using Counter = Safeguard.ChildSafety.Behaviour.AccountBehaviourState.Counter;

namespace Safeguard.ChildSafety.Behaviour;

/// <summary>The account an event is about (the adult or unknown-age account) and its signals after the event.</summary>
public sealed record BehaviourUpdate(string? SubjectAccountId, IReadOnlyList<BehaviourSignal> Signals);

/// <summary>
/// Behaviour risk from the platform's event stream, computed incrementally over rolling 7- and 30-day windows. Only
/// accounts that are not known minors get state (they are the ones whose contact with minors is measured), each of a
/// fixed size; at most <see cref="BehaviourRiskOptions.MaxAccounts"/> accounts are kept. Thread-safe.
/// </summary>
public sealed class BehaviourRiskEngine
{
    private const int ShortWindow = 7;
    private const int LongWindow = 30;
    private readonly BehaviourRiskOptions _options;
    private readonly ConcurrentDictionary<string, AccountBehaviourState> _accounts = new(StringComparer.Ordinal);
    private long _lateEvents;

    public BehaviourRiskEngine(BehaviourRiskOptions? options = null)
    {
        _options = options ?? BehaviourRiskOptions.Defaults;
        _options.Validate();
    }

    public int AccountCount => _accounts.Count;

    /// <summary>Events older than the 30-day window of their account, which were counted here and otherwise ignored.</summary>
    public long LateEventsIgnored => Interlocked.Read(ref _lateEvents);

    /// <exception cref="ArgumentException">The event lacks what its type needs (an actor id, a target).</exception>
    public BehaviourUpdate Record(ChildSafetyEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Validate(e);
        switch (e.Type)
        {
            case ChildSafetyEventType.AccountCreated:
                if (e.Actor.AgeBand.IsMinor())
                {
                    return new BehaviourUpdate(null, []);
                }
                return Update(e.Actor.Id, e.Actor.AgeBand, e.Time, (state, _) => state.CreatedAt ??= e.Time);

            case ChildSafetyEventType.ProfileChanged:
                if (!_accounts.TryGetValue(e.Actor.Id, out var existing))
                {
                    return new BehaviourUpdate(null, []);
                }
                return Update(e.Actor.Id, existing.Band, e.Time, (state, slot) =>
                {
                    // An account that said it was an adult and now says it is a child is a known way to reach children.
                    if (state.Band == AgeBand.Adult && e.Actor.AgeBand.IsMinor())
                    {
                        state.Increment(slot, Counter.AgeBandLowered);
                    }
                });

            case ChildSafetyEventType.FriendRequest or ChildSafetyEventType.MessageSent:
                if (!IsContactOfConcern(e.Actor.AgeBand, e.Target!.AgeBand))
                {
                    return new BehaviourUpdate(null, []);
                }
                return Update(e.Actor.Id, e.Actor.AgeBand, e.Time, (state, slot) => RecordContact(state, slot, e));

            case ChildSafetyEventType.FriendRequestRejected or ChildSafetyEventType.Block or ChildSafetyEventType.Report:
                if (!IsContactOfConcern(e.Target!.AgeBand, e.Actor.AgeBand))
                {
                    return new BehaviourUpdate(null, []);
                }
                return Update(e.Target.Id, e.Target.AgeBand, e.Time, (state, slot) =>
                {
                    state.Increment(slot, e.Type switch
                    {
                        ChildSafetyEventType.Block => Counter.BlocksFromMinors,
                        ChildSafetyEventType.Report => Counter.ReportsFromMinors,
                        _ => Counter.RejectionsFromMinors,
                    });
                    if (e.Type == ChildSafetyEventType.Block)
                    {
                        state.BlockedBy.Add(AccountBehaviourState.Hash(e.Actor.Id), e.Time);
                    }
                });

            default:
                return new BehaviourUpdate(null, []);
        }
    }

    /// <summary>The account's signals as of <paramref name="now"/>; empty for an account never seen.</summary>
    public IReadOnlyList<BehaviourSignal> SignalsFor(string accountId, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        if (!_accounts.TryGetValue(accountId, out var state))
        {
            return [];
        }
        lock (state)
        {
            return Signals(accountId, state, AccountBehaviourState.DayOf(now));
        }
    }

    internal AccountBehaviourState? StateOf(string accountId) => _accounts.GetValueOrDefault(accountId);

    /// <summary>The sender is an adult or of unknown age and the recipient a known minor.</summary>
    private static bool IsContactOfConcern(AgeBand sender, AgeBand recipient) => recipient.IsMinor() && !sender.IsMinor();

    private BehaviourUpdate Update(string accountId, AgeBand band, DateTimeOffset time, Action<AccountBehaviourState, int> apply)
    {
        var state = _accounts.GetOrAdd(accountId, _ => new AccountBehaviourState());
        IReadOnlyList<BehaviourSignal> signals;
        lock (state)
        {
            var day = AccountBehaviourState.DayOf(time);
            if (!state.TryBucket(day, out var slot))
            {
                Interlocked.Increment(ref _lateEvents);
                return new BehaviourUpdate(accountId, Signals(accountId, state, state.NewestDay));
            }
            apply(state, slot);
            if (band != AgeBand.Unknown)
            {
                state.Band = band;
            }
            state.LastSeenTicks = Math.Max(state.LastSeenTicks, time.UtcTicks);
            signals = Signals(accountId, state, state.NewestDay);
        }
        EvictIfNeeded();
        return new BehaviourUpdate(accountId, signals);
    }

    private void RecordContact(AccountBehaviourState state, int slot, ChildSafetyEvent e)
    {
        var target = e.Target!;
        var hash = AccountBehaviourState.Hash(target.Id);
        var isMessage = e.Type == ChildSafetyEventType.MessageSent;
        state.Increment(slot, isMessage ? Counter.MessagesToMinors : Counter.FriendRequestsToMinors);
        state.MarkMinor(slot, hash, e.Connected);
        if (!e.Connected && e.Actor.AgeBand == AgeBand.Adult && AgeBandExtensions.BandGap(AgeBand.Adult, target.AgeBand) >= 2)
        {
            state.Increment(slot, Counter.LargeGapContacts);
        }
        if (!state.Contacted.MayContain(hash, e.Time))
        {
            state.Contacted.Add(hash, e.Time);
            if (state.CreatedAt is { } created && e.Time - created <= _options.NewAccountAge)
            {
                state.Increment(slot, Counter.NewAccountFirstContacts);
            }
        }
        if (state.BlockedBy.MayContain(hash, e.Time))
        {
            state.Increment(slot, Counter.ContactsAfterBlock);
        }
        if (!isMessage)
        {
            return;
        }
        if (e.TargetUtcOffsetMinutes is { } offset && IsNight(e.Time.UtcDateTime.AddMinutes(offset).Hour))
        {
            state.Increment(slot, Counter.NightContacts);
        }
        if (e.Channel is MessageChannel.Public or MessageChannel.Group)
        {
            state.MetInPublic.Add(hash, e.Time);
        }
        else if (!state.MessagedPrivately.MayContain(hash, e.Time))
        {
            state.MessagedPrivately.Add(hash, e.Time);
            if (state.MetInPublic.MayContain(hash, e.Time))
            {
                state.Increment(slot, Counter.PublicToPrivateMoves);
            }
        }
    }

    private bool IsNight(int hour) =>
        _options.NightStartHour > _options.NightEndHour
            ? hour >= _options.NightStartHour || hour < _options.NightEndHour
            : hour >= _options.NightStartHour && hour < _options.NightEndHour;

    private List<BehaviourSignal> Signals(string id, AccountBehaviourState state, int today)
    {
        var signals = new List<BehaviourSignal>();
        var o = _options;
        void Add(string code, double value, double threshold, int window, string explanation)
        {
            if (value >= threshold)
            {
                signals.Add(new BehaviourSignal(code, id, value, threshold, $"{window}d", explanation));
            }
        }
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

        var fanOut = Math.Round(state.DistinctMinors(today, ShortWindow, unconnectedOnly: true), 1);
        Add("fan_out_unconnected_minors", fanOut, o.FanOutDistinctMinors, ShortWindow,
            $"contacted about {F(fanOut)} distinct minors it is not connected with in 7 days (threshold {o.FanOutDistinctMinors})");

        var requests = state.Sum(Counter.FriendRequestsToMinors, today, LongWindow);
        var rejections = state.Sum(Counter.RejectionsFromMinors, today, LongWindow);
        if (requests >= o.MinRequestsForRejectionRate)
        {
            var rate = Math.Min(1.0, (double)rejections / requests);
            Add("high_rejection_rate", Math.Round(rate, 3), o.RejectionRateThreshold, LongWindow,
                $"{rejections} of {requests} friend requests to minors rejected in 30 days (rate {F(rate)}, threshold {F(o.RejectionRateThreshold)})");
        }

        var blocks = state.Sum(Counter.BlocksFromMinors, today, LongWindow);
        var reports = state.Sum(Counter.ReportsFromMinors, today, LongWindow);
        Add("blocked_or_reported_by_minors", blocks + reports, o.BlocksAndReportsFromMinors, LongWindow,
            $"blocked {blocks} and reported {reports} times by minors in 30 days (threshold {o.BlocksAndReportsFromMinors})");

        var gap = state.Sum(Counter.LargeGapContacts, today, ShortWindow);
        Add("large_age_gap_contact", gap, o.LargeAgeGapContacts, ShortWindow,
            $"{gap} contacts as an adult with unconnected minors aged 15 or under in 7 days (threshold {o.LargeAgeGapContacts})");

        var young = state.Sum(Counter.NewAccountFirstContacts, today, LongWindow);
        Add("new_account_contacting_minors", young, o.NewAccountMinorContacts, LongWindow,
            $"first contact with {young} minors while the account was under {F(o.NewAccountAge.TotalDays)} days old (threshold {o.NewAccountMinorContacts})");

        var night = state.Sum(Counter.NightContacts, today, ShortWindow);
        Add("night_contact", night, o.NightContacts, ShortWindow,
            $"{night} messages to minors between {o.NightStartHour}:00 and {o.NightEndHour}:00 in the minor's time zone in 7 days (threshold {o.NightContacts}; a weak prior)");

        var moves = state.Sum(Counter.PublicToPrivateMoves, today, LongWindow);
        Add("public_to_private", moves, o.PublicToPrivateMoves, LongWindow,
            $"{moves} minors first met in a public or group channel and then messaged privately in 30 days (threshold {o.PublicToPrivateMoves})");

        var afterBlock = state.Sum(Counter.ContactsAfterBlock, today, LongWindow);
        Add("contact_after_block", afterBlock, o.ContactsAfterBlock, LongWindow,
            $"{afterBlock} contacts in 30 days with minors who had (possibly: Bloom filter) blocked this account (threshold {o.ContactsAfterBlock})");

        var lowered = state.Sum(Counter.AgeBandLowered, today, LongWindow);
        Add("age_band_lowered", lowered, 1, LongWindow, "the account changed its age band from adult to a child band in 30 days");
        return signals;
    }

    private void EvictIfNeeded()
    {
        var excess = _accounts.Count - _options.MaxAccounts;
        if (excess <= 0)
        {
            return;
        }
        // Evict a batch (1% beyond the cap) so the O(n) scan is paid rarely.
        var batch = Math.Max(excess, _options.MaxAccounts / 100);
        foreach (var (key, _) in _accounts.OrderBy(p => p.Value.LastSeenTicks).Take(batch).ToList())
        {
            _accounts.TryRemove(key, out _);
        }
    }

    private static void Validate(ChildSafetyEvent e)
    {
        if (!Enum.IsDefined(e.Type))
        {
            throw new ArgumentException($"event type {(int)e.Type} is not defined", nameof(e));
        }
        if (e.Actor is null || string.IsNullOrWhiteSpace(e.Actor.Id))
        {
            throw new ArgumentException("actor.id is required", nameof(e));
        }
        var needsTarget = e.Type is not (ChildSafetyEventType.AccountCreated or ChildSafetyEventType.ProfileChanged);
        if (needsTarget && (e.Target is null || string.IsNullOrWhiteSpace(e.Target.Id)))
        {
            throw new ArgumentException($"target.id is required for a {e.Type} event", nameof(e));
        }
        if (e.TargetUtcOffsetMinutes is < -14 * 60 or > 14 * 60)
        {
            throw new ArgumentException("targetUtcOffsetMinutes must be between -840 and 840", nameof(e));
        }
    }
}
