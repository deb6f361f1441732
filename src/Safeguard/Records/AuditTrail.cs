// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Records;

/// <summary>
/// The hash-chained audit log as the review workflow sees it. The server's store implements it over
/// its audit table; <see cref="InMemoryAuditTrail"/> serves tests.
/// </summary>
public interface IAuditTrail
{
    /// <summary>Appends an entry of <paramref name="kind"/> by <paramref name="actor"/>; payload is JSON without content or user references.</summary>
    Task AppendAsync(string kind, string actor, string payload, CancellationToken cancellationToken = default);

    /// <summary>The newest entries first, at most <paramref name="limit"/>, before sequence <paramref name="before"/> when given.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAsync(int limit, long? before = null, CancellationToken cancellationToken = default);
}

/// <summary>An audit entry with who made it.</summary>
public sealed record AuditRecord(ChainEntry Entry, string Actor);

/// <summary>An audit trail in memory, chained with <see cref="HashChain"/>. Thread-safe.</summary>
public sealed class InMemoryAuditTrail(TimeProvider time) : IAuditTrail
{
    private readonly Lock _gate = new();
    private readonly List<AuditRecord> _records = [];

    public Task AppendAsync(string kind, string actor, string payload, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var previous = _records.Count == 0 ? null : _records[^1].Entry;
            _records.Add(new AuditRecord(HashChain.Append(previous, time.GetUtcNow(), kind, payload), actor));
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAsync(int limit, long? before = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<AuditRecord> list = [.. _records.Where(r => before is null || r.Entry.Sequence < before).Reverse().Take(limit)];
            return Task.FromResult(list);
        }
    }

    /// <summary>Verifies the chain (for tests).</summary>
    public ChainVerification Verify()
    {
        lock (_gate)
        {
            return HashChain.Verify(_records.Select(r => r.Entry).ToList());
        }
    }
}
