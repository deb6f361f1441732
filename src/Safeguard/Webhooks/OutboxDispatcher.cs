// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Webhooks;

/// <summary>How one dispatch pass went.</summary>
public readonly record struct DispatchSummary(int Delivered, int Retrying, int DeadLettered);

/// <summary>
/// Sends due outbox messages to the platform's endpoint, signed, and records each outcome:
/// delivered, retry later with backoff, or dead-lettered after the last attempt. The host calls
/// <see cref="RunOnceAsync"/> on a timer; several nodes may run it at once (the store leases messages).
/// </summary>
public sealed class OutboxDispatcher(IOutboxStore store, IWebhookTransport transport, WebhookEndpoint endpoint, BackoffPolicy policy, TimeProvider time)
{
    /// <summary>How long a leased message is reserved for this dispatcher before another may take it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Messages taken per pass.</summary>
    public int BatchSize { get; init; } = 32;

    public async Task<DispatchSummary> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var due = await store.LeaseDueAsync(now, now + Lease, BatchSize, cancellationToken).ConfigureAwait(false);
        int delivered = 0, retrying = 0, dead = 0;
        foreach (var message in due)
        {
            var attempts = message.Attempts + 1;
            var result = await transport.SendAsync(BuildRequest(message), cancellationToken).ConfigureAwait(false);
            var after = time.GetUtcNow();
            if (result.Delivered)
            {
                await store.MarkDeliveredAsync(message.Id, attempts, after, cancellationToken).ConfigureAwait(false);
                delivered++;
            }
            else if (attempts >= policy.MaxAttempts)
            {
                await store.MarkDeadAsync(message.Id, attempts, result.Error ?? "failed", cancellationToken).ConfigureAwait(false);
                dead++;
            }
            else
            {
                await store.MarkRetryAsync(message.Id, attempts, result.Error ?? "failed", after + policy.DelayAfter(attempts), cancellationToken).ConfigureAwait(false);
                retrying++;
            }
        }
        return new DispatchSummary(delivered, retrying, dead);
    }

    /// <summary>The signed request for <paramref name="message"/>, signed now.</summary>
    public WebhookRequest BuildRequest(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WebhookSignature.HeaderName] = WebhookSignature.Sign(endpoint.Secret, time.GetUtcNow(), message.Payload),
            [WebhookSignature.EventIdHeader] = message.EventId,
            [WebhookSignature.EventTypeHeader] = message.EventType,
        };
        return new WebhookRequest(endpoint.Url, message.Payload, headers);
    }
}
