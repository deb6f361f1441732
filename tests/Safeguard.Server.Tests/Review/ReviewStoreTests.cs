// SPDX-License-Identifier: Apache-2.0
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Records;
using Safeguard.Server.Tests.Kit;
using Safeguard.Storage;
using Safeguard.Webhooks;

namespace Safeguard.Server.Tests.Review;

/// <summary>
/// The review tables (schema step 2) on a real database, once per store: exclusive claims under
/// contention from several store instances (as several nodes would be), expiry, the exposure cap,
/// the outbox's retries and dead letters, users and the audit adapter.
/// </summary>
public abstract class ReviewStoreTests(StoreKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private TestStore _store = null!;
    private SqlStore _db = null!;

    public async ValueTask InitializeAsync()
    {
        _store = await TestStore.CreateAsync(kind);
        _db = Open();
        await _db.MigrateAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private SqlStore Open() => SafeguardStores.Create(_store.Postgres, _store.DataDirectory);

    private static NewCase ImageCase(string userRef = "user-1") => new(CaseKind.Image, CasePriority.High, "bank b: review",
        new CaseEvidence(null, new Dictionary<string, string> { ["md5"] = new string('a', 32) }, [new CaseMatch("b", 7, "md5", 0, ["x"])], [], "content-1", userRef), 3);

    [Fact]
    public async Task ManyConcurrentClaimsFromSeveralNodes_ExactlyOneWins()
    {
        var ct = TestContext.Current.CancellationToken;
        var cases = new SqlCaseStore(_db);
        var c = await cases.CreateAsync(ImageCase(), CaseService.GroupKeyFor("user-1"), T0, ct);
        var nodes = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        try
        {
            using var start = new ManualResetEventSlim();
            var claims = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                start.Wait(ct);
                return (Reviewer: $"r{i}", Won: await new SqlCaseStore(nodes[i % nodes.Count]).TryClaimAsync(c.Id, $"r{i}", T0, T0.AddMinutes(15), ct));
            }, ct)).ToList();
            start.Set();
            var results = await Task.WhenAll(claims);
            var winner = Assert.Single(results, r => r.Won);
            var stored = (await cases.GetAsync(c.Id, ct))!;
            Assert.Equal(CaseStatus.InReview, stored.Status);
            Assert.Equal(winner.Reviewer, stored.Assignee);
            Assert.Single(await cases.HistoryAsync(c.Id, ct), h => h.Action == CaseAction.Claim);
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task LapsedClaim_CanBeTakenByAnother_AndExpiryReturnsCasesToTheirQueue()
    {
        var ct = TestContext.Current.CancellationToken;
        var cases = new SqlCaseStore(_db);
        var c = await cases.CreateAsync(ImageCase(), null, T0, ct);
        Assert.True(await cases.TryClaimAsync(c.Id, "alice", T0, T0.AddMinutes(15), ct));
        Assert.False(await cases.TryClaimAsync(c.Id, "bob", T0.AddMinutes(14), T0.AddMinutes(29), ct));
        Assert.True(await cases.TryClaimAsync(c.Id, "bob", T0.AddMinutes(15), T0.AddMinutes(30), ct));
        Assert.Equal("bob", (await cases.GetAsync(c.Id, ct))!.Assignee);
        // Alice's lapsed claim cannot decide.
        Assert.False(await cases.TryDecideAsync(c.Id, "alice", CaseDecision.Confirm, "late", T0.AddMinutes(16), [], ct));

        Assert.Equal(0, await cases.ExpireClaimsAsync(T0.AddMinutes(29), ct));
        Assert.Equal(1, await cases.ExpireClaimsAsync(T0.AddMinutes(30), ct));
        var back = (await cases.GetAsync(c.Id, ct))!;
        Assert.Equal(CaseStatus.Open, back.Status);
        Assert.Null(back.Assignee);
        Assert.Equal(CaseAction.Expire, (await cases.HistoryAsync(c.Id, ct))[^1].Action);
    }

    [Fact]
    public async Task Decision_WritesItsWebhookInTheSameTransaction_AndEscalatedCasesReturnToTheEscalatedQueue()
    {
        var ct = TestContext.Current.CancellationToken;
        var cases = new SqlCaseStore(_db);
        var outbox = new SqlOutboxStore(_db);
        var c = await cases.CreateAsync(ImageCase(), null, T0, ct);
        Assert.True(await cases.TryClaimAsync(c.Id, "alice", T0, T0.AddMinutes(15), ct));
        var item = new OutboxItem(Guid.NewGuid().ToString("D"), "case.decided", "{\"a\":1}");
        Assert.True(await cases.TryDecideAsync(c.Id, "alice", CaseDecision.Escalate, "needs a senior", T0.AddMinutes(1), [item], ct));
        var escalated = (await cases.GetAsync(c.Id, ct))!;
        Assert.Equal(CaseStatus.Escalated, escalated.Status);
        Assert.True(escalated.Escalated);
        Assert.Equal(item.EventId, Assert.Single(await outbox.ListAsync(OutboxState.Pending, 10, ct)).EventId);

        Assert.True(await cases.TryClaimAsync(c.Id, "root", T0.AddMinutes(2), T0.AddMinutes(17), ct));
        Assert.True(await cases.TryReleaseAsync(c.Id, "root", T0.AddMinutes(3), ct));
        Assert.Equal(CaseStatus.Escalated, (await cases.GetAsync(c.Id, ct))!.Status);
        Assert.Equal(
            [CaseAction.Open, CaseAction.Claim, CaseAction.Escalate, CaseAction.Claim, CaseAction.Release],
            (await cases.HistoryAsync(c.Id, ct)).Select(h => h.Action));
    }

    [Fact]
    public async Task Queue_FiltersByStatusKindAndGroup_AndCounts()
    {
        var ct = TestContext.Current.CancellationToken;
        var cases = new SqlCaseStore(_db);
        var a = await cases.CreateAsync(ImageCase("u1"), CaseService.GroupKeyFor("u1"), T0, ct);
        await cases.CreateAsync(ImageCase("u1") with { Priority = CasePriority.Low }, CaseService.GroupKeyFor("u1"), T0, ct);
        await cases.CreateAsync(ImageCase("u2") with { Kind = CaseKind.Grooming }, CaseService.GroupKeyFor("u2"), T0, ct);
        Assert.Equal(2, (await cases.QueryAsync(new CaseQuery(GroupKey: CaseService.GroupKeyFor("u1")), ct)).Count);
        Assert.Equal(a.Id, (await cases.QueryAsync(new CaseQuery(Kinds: [CaseKind.Image], Limit: 1), ct))[0].Id);
        Assert.Empty(await cases.QueryAsync(new CaseQuery(Kinds: []), ct));
        var counts = await cases.CountByStatusAsync([CaseKind.Image], ct);
        Assert.Equal(2, counts[CaseStatus.Open]);
        Assert.Equal(0, counts[CaseStatus.Confirmed]);
        var roundTrip = (await cases.GetAsync(a.Id, ct))!.Evidence;
        Assert.Equal(ImageCase("u1").Evidence.Hashes, roundTrip.Hashes);
        var expected = ImageCase("u1").Evidence.Matches[0];
        Assert.Equal(expected, roundTrip.Matches[0] with { Labels = expected.Labels });
        Assert.Equal(["x"], roundTrip.Matches[0].Labels);
    }

    [Fact]
    public async Task ExposureCap_StopsImageCasesButNotTextCases()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new ManualTime(T0);
        var cases = new SqlCaseStore(_db);
        var exposure = new SqlExposureStore(_db);
        var service = new CaseService(cases, exposure, new SqlAuditTrail(_db), null, new ReviewOptions(TimeSpan.FromMinutes(15), 2), time);
        var reviewer = new Reviewer("alice", ConsoleRoles.Reviewer);
        var images = new List<ReviewCase>();
        for (int i = 0; i < 3; i++)
        {
            images.Add(await service.OpenAsync(ImageCase(), ct));
        }
        var text = await service.OpenAsync(new NewCase(CaseKind.Text, CasePriority.Normal, "list: placeholder", CaseEvidence.Empty), ct);
        await service.ClaimAsync(images[0].Id, reviewer, ct);
        await service.ClaimAsync(images[0].Id, reviewer, ct); // a renewal counts once
        await service.ClaimAsync(images[1].Id, reviewer, ct);
        Assert.Equal(2, await exposure.CountAsync("alice", DateOnly.FromDateTime(T0.UtcDateTime), ct));
        await Assert.ThrowsAsync<ExposureCapReachedException>(() => service.ClaimAsync(images[2].Id, reviewer, ct));
        Assert.Equal(text.Id, (await service.ClaimNextAsync(reviewer, ct))!.Id);
        // The next UTC day starts from zero.
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(images[2].Id, (await service.ClaimAsync(images[2].Id, reviewer, ct)).Id);
    }

    [Fact]
    public async Task Outbox_RetriesWithBackoff_ThenDeadLetters_AndARequeuedMessageIsDelivered()
    {
        var ct = TestContext.Current.CancellationToken;
        var time = new ManualTime(T0);
        var outbox = new SqlOutboxStore(_db);
        var transport = new ScriptedTransport { Answer = new WebhookResult(false, "http 500") };
        var dispatcher = new OutboxDispatcher(outbox, transport, new WebhookEndpoint(new Uri("https://platform.example.com/hook"), "0123456789abcdef"u8.ToArray()),
            new BackoffPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), 3), time);
        var message = await outbox.EnqueueAsync(new OutboxItem(Guid.NewGuid().ToString("D"), "check.actioned", "{\"n\":1}"), time.GetUtcNow(), ct);
        await outbox.EnqueueAsync(new OutboxItem(Guid.NewGuid().ToString("D"), "check.actioned", "{\"n\":2}", Shadow: true), time.GetUtcNow(), ct);

        Assert.Equal(new DispatchSummary(0, 1, 0), await dispatcher.RunOnceAsync(ct));
        Assert.Equal(T0.AddSeconds(10), (await outbox.GetAsync(message.Id, ct))!.NextAttemptAt);
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(default, await dispatcher.RunOnceAsync(ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DispatchSummary(0, 1, 0), await dispatcher.RunOnceAsync(ct));
        Assert.Equal(T0.AddSeconds(25), (await outbox.GetAsync(message.Id, ct))!.NextAttemptAt); // 20 s capped at 15 s
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(new DispatchSummary(0, 0, 1), await dispatcher.RunOnceAsync(ct));
        var dead = (await outbox.GetAsync(message.Id, ct))!;
        Assert.Equal((OutboxState.DeadLettered, 3, "http 500"), (dead.State, dead.Attempts, dead.LastError));
        Assert.Equal(3, transport.Sent.Count);
        Assert.All(transport.Sent, r => Assert.Equal("{\"n\":1}", r.Body)); // the shadow row is never sent

        Assert.True(await outbox.RequeueAsync(message.Id, time.GetUtcNow(), ct));
        Assert.False(await outbox.RequeueAsync(message.Id, time.GetUtcNow(), ct));
        transport.Answer = new WebhookResult(true, null);
        Assert.Equal(new DispatchSummary(1, 0, 0), await dispatcher.RunOnceAsync(ct));
        Assert.Equal(OutboxState.Delivered, (await outbox.GetAsync(message.Id, ct))!.State);
        Assert.Single(await outbox.ListAsync(OutboxState.Shadow, 10, ct));
    }

    [Fact]
    public async Task Leases_AreExclusiveAcrossNodes()
    {
        var ct = TestContext.Current.CancellationToken;
        var outbox = new SqlOutboxStore(_db);
        for (int i = 0; i < 20; i++)
        {
            await outbox.EnqueueAsync(new OutboxItem(Guid.NewGuid().ToString("D"), "check.actioned", "{}"), T0, ct);
        }
        var nodes = Enumerable.Range(0, 4).Select(_ => Open()).ToList();
        try
        {
            var leases = await Task.WhenAll(nodes.Select(n => Task.Run(() => new SqlOutboxStore(n).LeaseDueAsync(T0, T0.AddMinutes(2), 10, ct), ct)));
            var ids = leases.SelectMany(l => l.Select(m => m.Id)).ToList();
            Assert.Equal(20, ids.Count);
            Assert.Equal(20, ids.Distinct().Count());
        }
        finally
        {
            foreach (var n in nodes)
            {
                await n.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Users_RoundTrip_AndTheAuditAdapterChainsWithTheActor()
    {
        var ct = TestContext.Current.CancellationToken;
        var users = new SqlUserStore(_db);
        var alice = new UserAccount("alice", ConsoleRoles.Reviewer | ConsoleRoles.Auditor, "$argon2id$x", 0, null, 3, 40, false, T0);
        Assert.True(await users.AddAsync(alice, ct));
        Assert.False(await users.AddAsync(alice with { Roles = ConsoleRoles.Admin }, ct));
        await users.UpdateAsync(alice with { FailedSignIns = 2, LockedUntil = T0.AddMinutes(15), BlurStrength = 5 }, ct);
        var stored = (await users.FindAsync("ALICE", ct))!;
        Assert.Equal(alice with { FailedSignIns = 2, LockedUntil = T0.AddMinutes(15), BlurStrength = 5 }, stored);

        var audit = new SqlAuditTrail(_db);
        await audit.AppendAsync("case.decided", "alice", "{\"caseId\":4,\"decision\":\"confirm\"}", ct);
        var newest = (await audit.ReadAsync(10, null, ct))[0];
        Assert.Equal("alice", newest.Actor);
        Assert.Equal("{\"actor\":\"alice\",\"caseId\":4,\"decision\":\"confirm\"}", newest.Entry.Payload);
        var chain = new List<ChainEntry>();
        await foreach (var e in _db.ReadAuditAsync(ct))
        {
            chain.Add(e);
        }
        Assert.True(HashChain.Verify(chain).IsValid);
    }

    [Fact]
    public async Task Thumbnails_AcceptOnlyStills()
    {
        var ct = TestContext.Current.CancellationToken;
        var thumbnails = new SqlThumbnailStore(_db);
        byte[] jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
        var reference = await thumbnails.PutAsync(new Thumbnail(jpeg, "image/jpeg"), ct);
        Assert.Equal(jpeg, (await thumbnails.GetAsync(reference, ct))!.Bytes);
        await Assert.ThrowsAsync<ArgumentException>(() => thumbnails.PutAsync(new Thumbnail("GIF89a"u8.ToArray(), "image/gif"), ct));
        Assert.Null(await thumbnails.GetAsync("thumb-missing", ct));
    }

    private sealed class ScriptedTransport : IWebhookTransport
    {
        public WebhookResult Answer { get; set; } = new(true, null);

        public List<WebhookRequest> Sent { get; } = [];

        public Task<WebhookResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            Sent.Add(request);
            return Task.FromResult(Answer);
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

public sealed class SqliteReviewStoreTests() : ReviewStoreTests(StoreKind.Sqlite);

public sealed class PostgresReviewStoreTests() : ReviewStoreTests(StoreKind.Postgres);

/// <summary>The stored case evidence is a persisted format: its layout must not change by accident.</summary>
public sealed class CaseEvidenceFormatTests
{
    [Fact]
    public void CaseEvidence_JsonLayoutVersion1_IsStable()
    {
        var evidence = new CaseEvidence("thumb-1", new Dictionary<string, string> { ["sha256"] = "ff", ["md5"] = "0a" },
            [new CaseMatch("bank-a", 12, "pdq", 4, ["l1", "l2"])], [new TextHit("list", "pinecone", "at the pinecone")], "c-1", null);
        const string Expected = "{\"v\":1,\"thumbnailRef\":\"thumb-1\",\"hashes\":{\"md5\":\"0a\",\"sha256\":\"ff\"},"
            + "\"matches\":[{\"bank\":\"bank-a\",\"entryId\":12,\"kind\":\"pdq\",\"distance\":4,\"labels\":[\"l1\",\"l2\"]}],"
            + "\"textHits\":[{\"rule\":\"list\",\"term\":\"pinecone\",\"context\":\"at the pinecone\"}],\"contentRef\":\"c-1\",\"userRef\":null}";
        Assert.Equal(Expected, CaseEvidenceJson.Write(evidence));
        var back = CaseEvidenceJson.Read(Expected);
        Assert.Equal(("thumb-1", "c-1", (string?)null, 2, "at the pinecone"), (back.ThumbnailRef, back.ContentRef, back.UserRef, back.Hashes.Count, back.TextHits[0].Context));
        Assert.Throws<FormatException>(() => CaseEvidenceJson.Read("{\"v\":2}"));
    }
}
