// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;

namespace Safeguard.Tests.ChildSafety;

public class BehaviourRiskEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 15, 0, 0, TimeSpan.Zero);
    private static readonly ChildSafetyAccount Adult = new() { Id = "adult-1", AgeBand = AgeBand.Adult, AgeAssurance = AgeAssurance.Declared };

    [Fact]
    public void FanOut_ManyUnconnectedMinorsInAWeek_Signals_AndFewDoNot()
    {
        var engine = new BehaviourRiskEngine();
        for (var i = 0; i < 9; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor($"c{i}"), Start.AddHours(i)));
        }
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddHours(9)), s => s.Code == "fan_out_unconnected_minors");
        var update = engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor("c9"), Start.AddHours(9)));
        update = engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor("c10"), Start.AddHours(10)));
        var signal = Assert.Single(update.Signals, s => s.Code == "fan_out_unconnected_minors");
        Assert.Equal(Adult.Id, update.SubjectAccountId);
        Assert.InRange(signal.Value, 10, 12);
        Assert.Contains("distinct minors it is not connected with", signal.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void FanOut_ConnectedMinorsAndAdults_DoNotCount()
    {
        var engine = new BehaviourRiskEngine();
        for (var i = 0; i < 30; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor($"c{i}"), Start.AddMinutes(i)) with { Connected = true });
            engine.Record(Contact(ChildSafetyEventType.MessageSent, new ChildSafetyAccount { Id = $"a{i}", AgeBand = AgeBand.Adult }, Start.AddMinutes(i)));
        }
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "fan_out_unconnected_minors");
    }

    [Fact]
    public void FanOut_RollsOutOfTheSevenDayWindow()
    {
        var engine = new BehaviourRiskEngine();
        for (var i = 0; i < 15; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor($"c{i}"), Start.AddMinutes(i)));
        }
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddDays(6)), s => s.Code == "fan_out_unconnected_minors");
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddDays(8)), s => s.Code == "fan_out_unconnected_minors");
    }

    [Fact]
    public void RejectionRate_HighShareOfRejectedRequests_Signals()
    {
        var engine = new BehaviourRiskEngine();
        for (var i = 0; i < 6; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor($"c{i}"), Start.AddHours(i)));
        }
        for (var i = 0; i < 4; i++)
        {
            engine.Record(Answer(ChildSafetyEventType.FriendRequestRejected, $"c{i}", Start.AddHours(7 + i)));
        }
        var signal = Assert.Single(engine.SignalsFor(Adult.Id, Start.AddHours(12)), s => s.Code == "high_rejection_rate");
        Assert.Equal(Math.Round(4.0 / 6, 3), signal.Value);
        Assert.Contains("4 of 6 friend requests", signal.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void BlocksAndReportsFromMinors_Signal()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(Answer(ChildSafetyEventType.Block, "c1", Start));
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start), s => s.Code == "blocked_or_reported_by_minors");
        engine.Record(Answer(ChildSafetyEventType.Report, "c2", Start.AddHours(1)));
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "blocked_or_reported_by_minors");
    }

    [Fact]
    public void LargeAgeGap_AdultContactingYoungUnconnectedMinors_Signals_ButNot16To17()
    {
        var engine = new BehaviourRiskEngine();
        for (var i = 0; i < 3; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor($"o{i}", AgeBand.Age16To17), Start.AddMinutes(i)));
        }
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "large_age_gap_contact");
        for (var i = 0; i < 3; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor($"y{i}", AgeBand.Under13), Start.AddMinutes(10 + i)));
        }
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "large_age_gap_contact");
    }

    [Fact]
    public void NewAccount_QuicklyContactingMinors_Signals_OldAccountDoesNot()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(new ChildSafetyEvent { Type = ChildSafetyEventType.AccountCreated, Time = Start, Actor = Adult });
        var old = Adult with { Id = "adult-old" };
        engine.Record(new ChildSafetyEvent { Type = ChildSafetyEventType.AccountCreated, Time = Start.AddDays(-60), Actor = old });
        for (var i = 0; i < 3; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor($"c{i}"), Start.AddHours(2 + i)) with { Connected = true });
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor($"c{i}"), Start.AddHours(2 + i)) with { Actor = old, Connected = true });
        }
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddHours(6)), s => s.Code == "new_account_contacting_minors");
        Assert.DoesNotContain(engine.SignalsFor(old.Id, Start.AddHours(6)), s => s.Code == "new_account_contacting_minors");
    }

    [Fact]
    public void NightContact_UsesTheChildsTimeZone()
    {
        var engine = new BehaviourRiskEngine();
        // 15:00 UTC is 23:00 at UTC+8 (night there) and 10:00 at UTC−5 (day there).
        for (var i = 0; i < 5; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c1"), Start.AddMinutes(i)) with { Connected = true, TargetUtcOffsetMinutes = -300 });
        }
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "night_contact");
        for (var i = 0; i < 5; i++)
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c2"), Start.AddMinutes(10 + i)) with { Connected = true, TargetUtcOffsetMinutes = 480 });
        }
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "night_contact");
    }

    [Fact]
    public void PublicToPrivate_MeetingInPublicThenMessagingPrivately_Signals()
    {
        var engine = new BehaviourRiskEngine();
        foreach (var child in new[] { "c1", "c2" })
        {
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor(child), Start) with { Channel = MessageChannel.Group });
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("other-" + child), Start) with { Channel = MessageChannel.Private });
        }
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start), s => s.Code == "public_to_private");
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c1"), Start.AddHours(1)) with { Channel = MessageChannel.Private });
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c2"), Start.AddHours(1)) with { Channel = MessageChannel.Private });
        Assert.Contains(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "public_to_private");
    }

    [Fact]
    public void ContactAfterBlock_Signals()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c1"), Start));
        engine.Record(Answer(ChildSafetyEventType.Block, "c1", Start.AddHours(1)));
        Assert.DoesNotContain(engine.SignalsFor(Adult.Id, Start.AddHours(1)), s => s.Code == "contact_after_block");
        var update = engine.Record(Contact(ChildSafetyEventType.FriendRequest, Minor("c1"), Start.AddDays(2)));
        Assert.Contains(update.Signals, s => s.Code == "contact_after_block");
    }

    [Fact]
    public void ProfileChange_FromAdultToChildBand_Signals()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c1"), Start));
        var update = engine.Record(new ChildSafetyEvent { Type = ChildSafetyEventType.ProfileChanged, Time = Start.AddHours(1), Actor = Adult with { AgeBand = AgeBand.Age13To15 } });
        Assert.Contains(update.Signals, s => s.Code == "age_band_lowered");
    }

    [Fact]
    public void Memory_PerAccountStateHasAFixedSize_WhateverTheTraffic()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("first"), Start));
        var state = engine.StateOf(Adult.Id)!;
        var before = state.FootprintBytes;
        var random = new Random(11);
        for (var i = 0; i < 100_000; i++)
        {
            var type = (i % 3) switch { 0 => ChildSafetyEventType.MessageSent, 1 => ChildSafetyEventType.FriendRequest, _ => ChildSafetyEventType.Block };
            var child = Minor($"child-{random.Next()}");
            var time = Start.AddMinutes(i);
            engine.Record(type == ChildSafetyEventType.Block
                ? new ChildSafetyEvent { Type = type, Time = time, Actor = child, Target = Adult }
                : Contact(type, child, time) with { Channel = (MessageChannel)(i % 3) });
        }
        Assert.Same(state, engine.StateOf(Adult.Id));
        Assert.Equal(before, state.FootprintBytes);
        // 30 bucket days + 30×11 counters (int) + 2 bitmaps × 30 × 4 words (ulong) + 4 Bloom filters × (2 × 8 words + a tick).
        Assert.Equal((30 * 4) + (30 * 11 * 4) + (2 * 30 * 4 * 8) + (4 * ((2 * 8 * 8) + 8)), before);
        Assert.Equal(1, engine.AccountCount);
    }

    [Fact]
    public void Memory_AccountCountIsCapped_EvictingTheLeastRecent()
    {
        var engine = new BehaviourRiskEngine(new BehaviourRiskOptions { MaxAccounts = 100 });
        for (var i = 0; i < 1_000; i++)
        {
            var adult = new ChildSafetyAccount { Id = $"adult-{i}", AgeBand = AgeBand.Adult };
            engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c"), Start.AddMinutes(i)) with { Actor = adult });
        }
        Assert.InRange(engine.AccountCount, 1, 100);
        Assert.NotNull(engine.StateOf("adult-999"));
        Assert.Null(engine.StateOf("adult-0"));
    }

    [Fact]
    public void LateEvents_OutsideTheWindow_AreCountedAndIgnored()
    {
        var engine = new BehaviourRiskEngine();
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c1"), Start));
        engine.Record(Contact(ChildSafetyEventType.MessageSent, Minor("c2"), Start.AddDays(-40)));
        Assert.Equal(1, engine.LateEventsIgnored);
    }

    [Fact]
    public void MinorsAndAdultPairs_GetNoState()
    {
        var engine = new BehaviourRiskEngine();
        var update = engine.Record(new ChildSafetyEvent { Type = ChildSafetyEventType.MessageSent, Time = Start, Actor = Minor("c1"), Target = Minor("c2") });
        engine.Record(Contact(ChildSafetyEventType.MessageSent, new ChildSafetyAccount { Id = "a2", AgeBand = AgeBand.Adult }, Start));
        Assert.Null(update.SubjectAccountId);
        Assert.Equal(0, engine.AccountCount);
    }

    [Fact]
    public void Event_WithoutTarget_IsRejectedNamingTheField()
    {
        var e = Assert.Throws<ArgumentException>(() => new BehaviourRiskEngine().Record(new ChildSafetyEvent { Type = ChildSafetyEventType.Block, Time = Start, Actor = Adult }));
        Assert.Contains("target.id is required", e.Message, StringComparison.Ordinal);
    }

    private static ChildSafetyAccount Minor(string id, AgeBand band = AgeBand.Age13To15) => new() { Id = id, AgeBand = band, AgeAssurance = AgeAssurance.Estimated };

    private static ChildSafetyEvent Contact(ChildSafetyEventType type, ChildSafetyAccount target, DateTimeOffset time) =>
        new() { Type = type, Time = time, Actor = Adult, Target = target };

    private static ChildSafetyEvent Answer(ChildSafetyEventType type, string childId, DateTimeOffset time) =>
        new() { Type = type, Time = time, Actor = Minor(childId), Target = Adult };
}
