// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Tests.Cases;
using Safeguard.Webhooks;

namespace Safeguard.Tests.Webhooks;

public sealed class OutboxDispatcherTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("dev-only-test-secret");
    private readonly ManualTime _time = new(Start);
    private readonly InMemoryOutboxStore _store = new();
    private readonly ScriptedTransport _transport = new();

    private OutboxDispatcher Dispatcher(BackoffPolicy? policy = null) =>
        new(_store, _transport, new WebhookEndpoint(new Uri("http://127.0.0.1:9/hook"), Secret), policy ?? new BackoffPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 4), _time);

    [Fact]
    public void Backoff_DoublesUpToCap()
    {
        var policy = new BackoffPolicy(TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), 10);
        Assert.Equal(
            new[] { 10, 20, 40, 60, 60 }.Select(s => TimeSpan.FromSeconds(s)),
            Enumerable.Range(1, 5).Select(policy.DelayAfter));
        Assert.Equal(TimeSpan.FromHours(1), BackoffPolicy.Default.DelayAfter(int.MaxValue));
    }

    [Fact]
    public async Task Dispatch_Success_SendsSignedBodyOnceAndMarksDelivered()
    {
        var m = await _store.EnqueueAsync(new OutboxItem("e1", "case.decided", "{\"a\":1}"), Start);
        var summary = await Dispatcher().RunOnceAsync();
        Assert.Equal(new DispatchSummary(1, 0, 0), summary);
        var sent = Assert.Single(_transport.Sent);
        Assert.Equal("{\"a\":1}", sent.Body);
        Assert.Equal("e1", sent.Headers[WebhookSignature.EventIdHeader]);
        Assert.True(WebhookSignature.Verify(Secret, sent.Headers[WebhookSignature.HeaderName], sent.Body, Start, WebhookSignature.DefaultTolerance));
        Assert.Equal(OutboxState.Delivered, (await _store.GetAsync(m.Id))!.State);
        Assert.Equal(new DispatchSummary(0, 0, 0), await Dispatcher().RunOnceAsync());
    }

    [Fact]
    public async Task Dispatch_Failures_RetryWithBackoffThenDeadLetter()
    {
        var m = await _store.EnqueueAsync(new OutboxItem("e1", "case.decided", "{}"), Start);
        _transport.FailWith = "http 503";
        var dispatcher = Dispatcher();

        Assert.Equal(new DispatchSummary(0, 1, 0), await dispatcher.RunOnceAsync());
        var after1 = (await _store.GetAsync(m.Id))!;
        Assert.Equal((OutboxState.Pending, 1, "http 503", Start.AddSeconds(10)), (after1.State, after1.Attempts, after1.LastError, after1.NextAttemptAt));

        // Not due yet: nothing is sent.
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(new DispatchSummary(0, 0, 0), await dispatcher.RunOnceAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(new DispatchSummary(0, 1, 0), await dispatcher.RunOnceAsync());
        Assert.Equal(_time.GetUtcNow().AddSeconds(20), (await _store.GetAsync(m.Id))!.NextAttemptAt);

        _time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(new DispatchSummary(0, 1, 0), await dispatcher.RunOnceAsync());
        _time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(new DispatchSummary(0, 0, 1), await dispatcher.RunOnceAsync());
        Assert.Equal(4, _transport.Sent.Count);

        var dead = Assert.Single(await _store.ListAsync(OutboxState.DeadLettered, 10));
        Assert.Equal((4, "http 503"), (dead.Attempts, dead.LastError));
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new DispatchSummary(0, 0, 0), await dispatcher.RunOnceAsync());

        // Re-queued from the console, it is sent again and delivered.
        _transport.FailWith = null;
        Assert.True(await _store.RequeueAsync(m.Id, _time.GetUtcNow()));
        Assert.False(await _store.RequeueAsync(m.Id, _time.GetUtcNow()));
        Assert.Equal(new DispatchSummary(1, 0, 0), await dispatcher.RunOnceAsync());
        Assert.Empty(await _store.ListAsync(OutboxState.DeadLettered, 10));
    }

    [Fact]
    public async Task Dispatch_ShadowMessages_AreNeverSent()
    {
        var item = PlatformActions.ForAutomaticDecision("block", RuleMode.Shadow, Start, 5, "content-1", "user-1", ["test-bank"]);
        Assert.NotNull(item);
        Assert.True(item.Shadow);
        await _store.EnqueueAsync(item, Start);
        Assert.Equal(new DispatchSummary(0, 0, 0), await Dispatcher().RunOnceAsync());
        Assert.Empty(_transport.Sent);
        var shadow = Assert.Single(await _store.ListAsync(OutboxState.Shadow, 10));
        Assert.Contains("\"shadow\":true", shadow.Payload, StringComparison.Ordinal);
        Assert.Contains("\"action\":\"remove\"", shadow.Payload, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("review")]
    [InlineData("report")]
    public void AutomaticDecision_WithoutPlatformAction_GivesNothing(string decision) =>
        Assert.Null(PlatformActions.ForAutomaticDecision(decision, RuleMode.Enforce, Start, null, null, null, []));

    [Fact]
    public async Task Lease_TwoDispatchersNeverTakeTheSameMessage()
    {
        for (var i = 0; i < 10; i++)
        {
            await _store.EnqueueAsync(new OutboxItem($"e{i}", "t", "{}"), Start);
        }
        var a = await _store.LeaseDueAsync(Start, Start.AddMinutes(2), 6);
        var b = await _store.LeaseDueAsync(Start, Start.AddMinutes(2), 6);
        Assert.Equal(6, a.Count);
        Assert.Equal(4, b.Count);
        Assert.Empty(a.Select(m => m.Id).Intersect(b.Select(m => m.Id)));
    }

    [Fact]
    public void ActionEvent_JsonLayoutVersion1_IsStable()
    {
        var e = new PlatformActionEvent("0f8fad5b-d9cb-469f-a165-70867728950e", "case.decided", new DateTimeOffset(2026, 3, 2, 9, 30, 15, 123, TimeSpan.Zero),
            PlatformAction.Restore, "clear", 12, null, "c-1", "u-1", ["b1", "b2"], false);
        Assert.Equal(
            "{\"version\":1,\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"type\":\"case.decided\",\"time\":\"2026-03-02T09:30:15.123Z\","
            + "\"action\":\"restore\",\"decision\":\"clear\",\"caseId\":12,\"checkId\":null,\"contentRef\":\"c-1\",\"userRef\":\"u-1\","
            + "\"banks\":[\"b1\",\"b2\"],\"shadow\":false}",
            e.ToJson());
    }

    private sealed class ScriptedTransport : IWebhookTransport
    {
        public List<WebhookRequest> Sent { get; } = [];

        public string? FailWith { get; set; }

        public Task<WebhookResult> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
        {
            Sent.Add(request);
            return Task.FromResult(FailWith is null ? new WebhookResult(true, null) : new WebhookResult(false, FailWith));
        }
    }
}
