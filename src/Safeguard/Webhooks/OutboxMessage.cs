// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Webhooks;

/// <summary>Where an outbox message is in its life.</summary>
public enum OutboxState
{
    /// <summary>Waiting to be sent (again) at <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Gave up after the last retry; listed in the console's dead letters until re-queued.</summary>
    DeadLettered,

    /// <summary>Recorded from a rule in shadow mode: what would have been sent. Never sent.</summary>
    Shadow,
}

/// <summary>
/// One webhook waiting in the durable outbox. Written in the same transaction as the decision
/// that caused it, so a decision is never lost and never sent twice by design (receivers still
/// de-duplicate by <see cref="EventId"/>: delivery is at least once).
/// </summary>
/// <param name="Id">Row id.</param>
/// <param name="EventId">Stable id of the event, sent as the <c>Safeguard-Event-Id</c> header and in the body.</param>
/// <param name="EventType">e.g. <c>case.decided</c>, <c>check.actioned</c>.</param>
/// <param name="Payload">The JSON body, exactly as signed and sent.</param>
/// <param name="State">Pending, delivered, dead-lettered or shadow.</param>
/// <param name="Attempts">Sends tried so far.</param>
/// <param name="CreatedAt">When enqueued.</param>
/// <param name="NextAttemptAt">When the dispatcher may try next (pending only).</param>
/// <param name="LastError">Why the last attempt failed: an HTTP status or an error class, never a response body.</param>
/// <param name="DeliveredAt">When the receiver accepted it.</param>
public sealed record OutboxMessage(
    long Id,
    string EventId,
    string EventType,
    string Payload,
    OutboxState State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? DeliveredAt);

/// <summary>A message to add to the outbox.</summary>
/// <param name="EventId">Stable event id (a GUID in text form).</param>
/// <param name="EventType">Event type name.</param>
/// <param name="Payload">JSON body.</param>
/// <param name="Shadow">True to record it without ever sending it.</param>
public sealed record OutboxItem(string EventId, string EventType, string Payload, bool Shadow = false);

/// <summary>The durable outbox. Implementations: in memory (tests), SQLite and PostgreSQL (server).</summary>
public interface IOutboxStore
{
    /// <summary>Adds <paramref name="item"/>, due at once (or recorded as shadow).</summary>
    Task<OutboxMessage> EnqueueAsync(OutboxItem item, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes up to <paramref name="max"/> pending messages due at <paramref name="now"/> and leases them
    /// until <paramref name="leaseUntil"/> (their next attempt time moves there), so that two dispatchers
    /// never send the same message at the same time.
    /// </summary>
    Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default);

    /// <summary>Marks a message delivered.</summary>
    Task MarkDeliveredAsync(long id, int attempts, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt and when to retry.</summary>
    Task MarkRetryAsync(long id, int attempts, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>Records the last failed attempt and moves the message to the dead letters.</summary>
    Task MarkDeadAsync(long id, int attempts, string error, CancellationToken cancellationToken = default);

    /// <summary>Puts a dead letter back in the queue, due at <paramref name="now"/>, with its attempts reset. False if it is not a dead letter.</summary>
    Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Messages in <paramref name="state"/>, newest first.</summary>
    Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken = default);

    /// <summary>One message, or null.</summary>
    Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken = default);
}
