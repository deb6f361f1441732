// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Records;
using Safeguard.Webhooks;

namespace Safeguard.Tests.Cases;

public sealed class CaseServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly Reviewer Alice = new("alice", ConsoleRoles.Reviewer);
    private static readonly Reviewer Bob = new("bob", ConsoleRoles.Reviewer);
    private static readonly Reviewer Carol = new("carol", ConsoleRoles.ChildSafetyReviewer);
    private static readonly Reviewer Admin = new("root", ConsoleRoles.Admin);

    private readonly ManualTime _time = new(Start);
    private readonly InMemoryOutboxStore _outbox = new();
    private readonly InMemoryCaseStore _store;
    private readonly InMemoryAuditTrail _audit;
    private readonly FakeFeedback _feedback = new();

    public CaseServiceTests()
    {
        _store = new InMemoryCaseStore(_outbox);
        _audit = new InMemoryAuditTrail(_time);
    }

    private CaseService Service(int? cap = 100) => new(_store, new InMemoryExposureStore(), _audit, _feedback, new ReviewOptions(TimeSpan.FromMinutes(15), cap), _time);

    internal static NewCase ImageCase(string user = "user-1", CasePriority priority = CasePriority.Normal) => new(
        CaseKind.Image, priority, "bank test-bank: review",
        new CaseEvidence("thumb-1", new Dictionary<string, string> { ["pdq"] = new string('a', 64), ["md5"] = new string('b', 32) },
            [new CaseMatch("test-bank", 7, "pdq", 12, ["placeholder"])], [], "content-1", user),
        CheckId: 42);

    [Fact]
    public async Task Claim_OpenCase_HoldsItUntilClaimDuration()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        var held = await service.ClaimAsync(c.Id, Alice);
        Assert.Equal(CaseStatus.InReview, held.Status);
        Assert.Equal("alice", held.Assignee);
        Assert.Equal(Start.AddMinutes(15), held.ClaimExpiresAt);
    }

    [Fact]
    public async Task Claim_HeldByOther_IsRefused()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        var e = await Assert.ThrowsAsync<CaseConflictException>(() => service.ClaimAsync(c.Id, Bob));
        Assert.Equal($"case {c.Id} is being reviewed by someone else", e.Message);
        Assert.Equal("alice", (await _store.GetAsync(c.Id))!.Assignee);
    }

    [Fact]
    public async Task Claim_ManyThreadsAtOnce_ExactlyOneWins()
    {
        var service = Service(cap: null);
        var c = await service.OpenAsync(ImageCase());
        using var go = new ManualResetEventSlim(false);
        var reviewers = Enumerable.Range(0, 32).Select(i => new Reviewer($"r{i}", ConsoleRoles.Reviewer)).ToArray();
        var tasks = reviewers.Select(r => Task.Run(async () =>
        {
            go.Wait();
            try
            {
                await service.ClaimAsync(c.Id, r);
                return r.Name;
            }
            catch (CaseConflictException)
            {
                return null;
            }
        })).ToArray();
        go.Set();
        var winners = (await Task.WhenAll(tasks)).Where(n => n is not null).ToList();
        Assert.Single(winners);
        Assert.Equal(winners[0], (await _store.GetAsync(c.Id))!.Assignee);
        Assert.Single(await _store.HistoryAsync(c.Id), h => h.Action == CaseAction.Claim);
    }

    [Fact]
    public async Task Claim_StoreConditionAlone_AdmitsOneOfManyConcurrentClaims()
    {
        // The store's conditional update is what makes claims exclusive, not the service's pre-check.
        var c = await _store.CreateAsync(ImageCase(), null, Start);
        var results = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() =>
            _store.TryClaimAsync(c.Id, $"r{i}", Start, Start.AddMinutes(5)))));
        Assert.Equal(1, results.Count(ok => ok));
    }

    [Fact]
    public async Task Claim_AfterExpiry_AnotherReviewerMayTakeIt()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        _time.Advance(TimeSpan.FromMinutes(14));
        await Assert.ThrowsAsync<CaseConflictException>(() => service.ClaimAsync(c.Id, Bob));
        _time.Advance(TimeSpan.FromMinutes(1));
        var taken = await service.ClaimAsync(c.Id, Bob);
        Assert.Equal("bob", taken.Assignee);
        var e = await Assert.ThrowsAsync<CaseConflictException>(() => service.DecideAsync(c.Id, Alice, CaseDecision.Confirm, "looks right"));
        Assert.Contains("someone else", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExpireClaims_ReturnsLapsedCasesToTheirQueues()
    {
        var service = Service();
        var open = await service.OpenAsync(ImageCase());
        var escalated = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(escalated.Id, Alice);
        await service.DecideAsync(escalated.Id, Alice, CaseDecision.Escalate, "unsure");
        await service.ClaimAsync(open.Id, Alice);
        await service.ClaimAsync(escalated.Id, Admin);
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, await service.ExpireClaimsAsync());
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, await service.ExpireClaimsAsync());
        var first = (await _store.GetAsync(open.Id))!;
        Assert.Equal(CaseStatus.Open, first.Status);
        Assert.Null(first.Assignee);
        Assert.Equal(CaseStatus.Escalated, (await _store.GetAsync(escalated.Id))!.Status);
        Assert.Equal(CaseAction.Expire, (await _store.HistoryAsync(open.Id))[^1].Action);
    }

    [Fact]
    public async Task Decide_WithoutClaim_IsRefusedWithReason()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        var e = await Assert.ThrowsAsync<CaseTransitionException>(() => service.DecideAsync(c.Id, Alice, CaseDecision.Confirm, "x"));
        Assert.Equal("cannot confirm: claim the case before deciding it; it is open", e.Message);
    }

    [Fact]
    public async Task Decide_WithoutReason_IsRefusedAndChangesNothing()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        var e = await Assert.ThrowsAsync<CaseDecisionException>(() => service.DecideAsync(c.Id, Alice, CaseDecision.Confirm, "  "));
        Assert.Equal("a reason is required for every decision", e.Message);
        Assert.Equal(CaseStatus.InReview, (await _store.GetAsync(c.Id))!.Status);
        Assert.Empty(await _outbox.ListAsync(OutboxState.Pending, 10));
    }

    [Fact]
    public async Task Decide_Confirm_WritesWebhookAuditAndHistory()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        var decided = await service.DecideAsync(c.Id, Alice, CaseDecision.Confirm, "matches the listed item");
        Assert.Equal(CaseStatus.Confirmed, decided.Status);
        Assert.Equal("alice", decided.DecidedBy);
        Assert.Null(decided.Assignee);

        var message = Assert.Single(await _outbox.ListAsync(OutboxState.Pending, 10));
        using var body = JsonDocument.Parse(message.Payload);
        Assert.Equal("remove", body.RootElement.GetProperty("action").GetString());
        Assert.Equal("confirm", body.RootElement.GetProperty("decision").GetString());
        Assert.Equal(c.Id, body.RootElement.GetProperty("caseId").GetInt64());
        Assert.Equal("content-1", body.RootElement.GetProperty("contentRef").GetString());

        var entry = Assert.Single(await _audit.ReadAsync(10));
        Assert.Equal("case.decided", entry.Entry.Kind);
        Assert.Equal("alice", entry.Actor);
        Assert.DoesNotContain("user-1", entry.Entry.Payload, StringComparison.Ordinal);
        Assert.DoesNotContain("content-1", entry.Entry.Payload, StringComparison.Ordinal);
        Assert.True(_audit.Verify().IsValid);

        Assert.Equal([CaseAction.Open, CaseAction.Claim, CaseAction.Confirm], (await _store.HistoryAsync(c.Id)).Select(h => h.Action));
        await Assert.ThrowsAsync<CaseTransitionException>(() => service.ClaimAsync(c.Id, Bob));
    }

    [Theory]
    [InlineData(CaseDecision.Clear, "restore")]
    [InlineData(CaseDecision.Escalate, "restrict")]
    public async Task Decide_OtherDecisions_MapToPlatformActions(CaseDecision decision, string action)
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        await service.DecideAsync(c.Id, Alice, decision, "reason");
        var message = Assert.Single(await _outbox.ListAsync(OutboxState.Pending, 10));
        Assert.Contains($"\"action\":\"{action}\"", message.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Escalated_OnlyAdminMayTakeIt()
    {
        var service = Service();
        var c = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(c.Id, Alice);
        await service.DecideAsync(c.Id, Alice, CaseDecision.Escalate, "need a second opinion");
        var e = await Assert.ThrowsAsync<CaseAccessException>(() => service.ClaimAsync(c.Id, Bob));
        Assert.Contains("only an admin", e.Message, StringComparison.Ordinal);
        await service.ClaimAsync(c.Id, Admin);
        await Assert.ThrowsAsync<CaseTransitionException>(() => service.DecideAsync(c.Id, Admin, CaseDecision.Escalate, "again"));
        Assert.Equal(CaseStatus.Cleared, (await service.DecideAsync(c.Id, Admin, CaseDecision.Clear, "benign")).Status);
    }

    [Fact]
    public async Task Grooming_OnlyChildSafetyReviewersSeeIt()
    {
        var service = Service();
        var c = await service.OpenAsync(new NewCase(CaseKind.Grooming, CasePriority.High, "grooming rule", CaseEvidence.Empty));
        await Assert.ThrowsAsync<CaseAccessException>(() => service.GetAsync(c.Id, Alice));
        await Assert.ThrowsAsync<CaseAccessException>(() => service.ClaimAsync(c.Id, Admin));
        Assert.Null(await service.ClaimNextAsync(Alice));
        Assert.Equal(c.Id, (await service.ClaimNextAsync(Carol))!.Id);
        Assert.DoesNotContain(CaseKind.Grooming, CaseService.VisibleKinds(ConsoleRoles.Admin | ConsoleRoles.Reviewer | ConsoleRoles.Auditor));
    }

    [Fact]
    public async Task ExposureCap_StopsImageCasesButNotTextCases()
    {
        var service = Service(cap: 2);
        var images = new List<ReviewCase>();
        for (var i = 0; i < 3; i++)
        {
            images.Add(await service.OpenAsync(ImageCase(priority: CasePriority.High)));
        }
        var text = await service.OpenAsync(new NewCase(CaseKind.Text, CasePriority.Low, "keyword list", CaseEvidence.Empty with { TextHits = [new TextHit("list", "pinecone", "… a pinecone …")] }));

        Assert.Equal(images[0].Id, (await service.ClaimNextAsync(Alice))!.Id);
        await service.DecideAsync(images[0].Id, Alice, CaseDecision.Clear, "benign");
        Assert.Equal(images[1].Id, (await service.ClaimNextAsync(Alice))!.Id);
        Assert.Equal((2, 2), await service.ExposureTodayAsync(Alice));
        await service.ReleaseAsync(images[1].Id, Alice);

        // Re-claiming a case already counted today is not a new exposure, and is allowed.
        Assert.Equal(images[1].Id, (await service.ClaimAsync(images[1].Id, Alice)).Id);
        await service.ReleaseAsync(images[1].Id, Alice);

        var e = await Assert.ThrowsAsync<ExposureCapReachedException>(() => service.ClaimAsync(images[2].Id, Alice));
        Assert.Contains("daily limit", e.Message, StringComparison.Ordinal);
        Assert.Equal(text.Id, (await service.ClaimNextAsync(Alice))!.Id);

        // The count is per reviewer and per UTC day.
        Assert.Equal((0, 2), await service.ExposureTodayAsync(Bob));
        _time.Advance(TimeSpan.FromDays(1));
        Assert.Equal((0, 2), await service.ExposureTodayAsync(Alice));
        Assert.Equal(images[1].Id, (await service.ClaimAsync(images[1].Id, Alice)).Id);
    }

    [Fact]
    public async Task ExposureCap_UserOwnCapOverridesDefault()
    {
        var service = Service(cap: 100);
        var c = await service.OpenAsync(ImageCase());
        var strict = new Reviewer("dana", ConsoleRoles.Reviewer, DailyImageCap: 0);
        await Assert.ThrowsAsync<ExposureCapReachedException>(() => service.ClaimAsync(c.Id, strict));
    }

    [Fact]
    public async Task Cases_AboutSameUser_ShareAGroupKeyThatHidesTheReference()
    {
        var service = Service();
        var a = await service.OpenAsync(ImageCase(user: "user-9"));
        var b = await service.OpenAsync(ImageCase(user: "user-9"));
        var other = await service.OpenAsync(ImageCase(user: "user-10"));
        Assert.NotNull(a.GroupKey);
        Assert.Equal(a.GroupKey, b.GroupKey);
        Assert.NotEqual(a.GroupKey, other.GroupKey);
        Assert.DoesNotContain("user-9", a.GroupKey, StringComparison.Ordinal);
        var group = await _store.QueryAsync(new CaseQuery(GroupKey: a.GroupKey));
        Assert.Equal([a.Id, b.Id], group.Select(c => c.Id));
    }

    [Fact]
    public async Task Feedback_ConfirmAddsHashesToPositiveBank_ClearToAllowList()
    {
        var service = Service();
        var confirmed = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(confirmed.Id, Alice);
        await service.DecideAsync(confirmed.Id, Alice, CaseDecision.Confirm, "listed", feedbackBank: "internal");
        var cleared = await service.OpenAsync(ImageCase());
        await service.ClaimAsync(cleared.Id, Alice);

        var wrongPolarity = await Assert.ThrowsAsync<CaseDecisionException>(() => service.DecideAsync(cleared.Id, Alice, CaseDecision.Clear, "benign", feedbackBank: "internal"));
        Assert.Equal("bank 'internal' is not an allow-list bank", wrongPolarity.Message);
        Assert.Equal(CaseStatus.InReview, (await _store.GetAsync(cleared.Id))!.Status);

        await service.DecideAsync(cleared.Id, Alice, CaseDecision.Clear, "benign", feedbackBank: "allow");
        Assert.Equal(
            [("internal", "pdq"), ("internal", "md5"), ("allow", "pdq"), ("allow", "md5")],
            _feedback.Added.Select(a => (a.Bank, a.Kind)));
    }

    private sealed class FakeFeedback : IBankFeedback
    {
        public List<(string Bank, string Kind, string Value)> Added { get; } = [];

        public Task<string?> CheckTargetAsync(string bank, BankPolarity polarity, CancellationToken cancellationToken = default) =>
            Task.FromResult((bank, polarity) switch
            {
                ("internal", BankPolarity.Positive) or ("allow", BankPolarity.AllowList) => null,
                ("internal", _) => "bank 'internal' is not an allow-list bank",
                ("allow", _) => "bank 'allow' is an allow-list bank",
                _ => $"bank '{bank}' does not exist",
            });

        public Task<int> AddHashesAsync(string bank, IReadOnlyDictionary<string, string> hashes, string actor, string note, CancellationToken cancellationToken = default)
        {
            foreach (var (kind, value) in hashes)
            {
                Added.Add((bank, kind, value));
            }
            return Task.FromResult(hashes.Count);
        }
    }
}
