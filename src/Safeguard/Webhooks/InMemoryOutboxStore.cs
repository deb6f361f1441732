// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Webhooks;

/// <summary>An outbox in memory: for tests and for offline use. Thread-safe.</summary>
public sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly Lock _gate = new();
    private readonly List<OutboxMessage> _messages = [];

    public Task<OutboxMessage> EnqueueAsync(OutboxItem item, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_gate)
        {
            var message = new OutboxMessage(
                _messages.Count + 1, item.EventId, item.EventType, item.Payload,
                item.Shadow ? OutboxState.Shadow : OutboxState.Pending, 0, now, now, null, null);
            _messages.Add(message);
            return Task.FromResult(message);
        }
    }

    public Task<IReadOnlyList<OutboxMessage>> LeaseDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var due = new List<OutboxMessage>();
            for (var i = 0; i < _messages.Count && due.Count < max; i++)
            {
                var m = _messages[i];
                if (m.State == OutboxState.Pending && m.NextAttemptAt <= now)
                {
                    due.Add(m);
                    _messages[i] = m with { NextAttemptAt = leaseUntil };
                }
            }
            return Task.FromResult<IReadOnlyList<OutboxMessage>>(due);
        }
    }

    public Task MarkDeliveredAsync(long id, int attempts, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Update(id, m => m with { State = OutboxState.Delivered, Attempts = attempts, DeliveredAt = now, LastError = null });

    public Task MarkRetryAsync(long id, int attempts, string error, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        Update(id, m => m with { Attempts = attempts, LastError = error, NextAttemptAt = nextAttemptAt });

    public Task MarkDeadAsync(long id, int attempts, string error, CancellationToken cancellationToken = default) =>
        Update(id, m => m with { State = OutboxState.DeadLettered, Attempts = attempts, LastError = error });

    public Task<bool> RequeueAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var index = IndexOf(id);
            if (index < 0 || _messages[index].State != OutboxState.DeadLettered)
            {
                return Task.FromResult(false);
            }
            _messages[index] = _messages[index] with { State = OutboxState.Pending, Attempts = 0, NextAttemptAt = now };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<OutboxMessage>> ListAsync(OutboxState state, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<OutboxMessage> list = [.. _messages.Where(m => m.State == state).OrderByDescending(m => m.Id).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task<OutboxMessage?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var index = IndexOf(id);
            return Task.FromResult(index < 0 ? null : _messages[index]);
        }
    }

    private Task Update(long id, Func<OutboxMessage, OutboxMessage> change)
    {
        lock (_gate)
        {
            var index = IndexOf(id);
            if (index >= 0)
            {
                _messages[index] = change(_messages[index]);
            }
        }
        return Task.CompletedTask;
    }

    // Ids are 1-based positions: messages are never removed.
    private int IndexOf(long id) => id >= 1 && id <= _messages.Count ? (int)(id - 1) : -1;
}
