// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using Safeguard.Banks;
using Safeguard.Hashing;
using Safeguard.Matching;

namespace Safeguard.Hosting.Matching;

/// <summary>The hashes a check looks up; any may be absent.</summary>
public sealed record CheckQuery(Hash256? Pdq, byte[]? Md5, byte[]? Sha1, byte[]? Sha256);

/// <summary>One entry that matched, with its bank's settings at the time.</summary>
public readonly record struct IndexHit(Bank Bank, long EntryId, HashKind Kind, int Distance);

/// <summary>
/// The in-memory replica of every bank: a PDQ radius index and exact digest sets per bank. Safe for
/// concurrent checks while the synchroniser applies changes; a change is visible to the next check.
/// Disabled-until dates are kept beside the index and checked at match time, so an entry comes
/// back on its date without any change being applied.
/// </summary>
public sealed class BankIndex
{
    private readonly ConcurrentDictionary<long, BankSlot> _slots = new();
    private volatile bool _loaded;

    /// <summary>True once the first full load has finished.</summary>
    public bool IsLoaded => _loaded;

    /// <summary>Entries held, all banks together.</summary>
    public long Count => _slots.Values.Sum(s => (long)s.Count);

    /// <summary>Entries held per bank.</summary>
    public IReadOnlyList<(Bank Bank, int Entries)> Sizes() => [.. _slots.Values.Select(s => (s.Bank, s.Count))];

    internal void MarkLoaded() => _loaded = true;

    /// <summary>Adds a bank or replaces its settings (its entries stay).</summary>
    public void UpsertBank(Bank bank)
    {
        ArgumentNullException.ThrowIfNull(bank);
        _slots.AddOrUpdate(bank.Id, _ => new BankSlot(bank), (_, slot) =>
        {
            slot.Bank = bank;
            return slot;
        });
    }

    /// <summary>Forgets a bank and its entries.</summary>
    public void RemoveBank(long bankId) => _slots.TryRemove(bankId, out _);

    /// <summary>Applies the current state of one entry: adds or replaces it, or drops it when deleted. Entries of unknown banks are ignored.</summary>
    public void Apply(in IndexedEntry entry)
    {
        if (!_slots.TryGetValue(entry.BankId, out var slot))
        {
            return;
        }
        if (entry.Deleted)
        {
            slot.Remove(entry.Id);
        }
        else
        {
            slot.Add(entry);
        }
    }

    /// <summary>Appends to <paramref name="hits"/> every active entry of an enabled bank that matches <paramref name="query"/>.</summary>
    public void Match(CheckQuery query, DateTimeOffset now, List<IndexHit> hits)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(hits);
        long nowMs = now.ToUnixTimeMilliseconds();
        List<IndexMatch>? found = null;
        foreach (var slot in _slots.Values)
        {
            var bank = slot.Bank;
            if (!bank.Enabled)
            {
                continue;
            }
            if (query.Pdq is { } pdq && slot.Pdq.Count > 0)
            {
                found ??= [];
                found.Clear();
                slot.Pdq.Search(pdq, bank.PdqRadius, found);
                foreach (var m in found)
                {
                    if (slot.IsActive(m.Id, nowMs))
                    {
                        hits.Add(new IndexHit(bank, m.Id, HashKind.Pdq, m.Distance));
                    }
                }
            }
            AddExact(slot, bank, slot.Md5, query.Md5, HashKind.Md5, nowMs, hits);
            AddExact(slot, bank, slot.Sha1, query.Sha1, HashKind.Sha1, nowMs, hits);
            AddExact(slot, bank, slot.Sha256, query.Sha256, HashKind.Sha256, nowMs, hits);
        }
    }

    private static void AddExact(BankSlot slot, Bank bank, ExactDigestSet set, byte[]? digest, HashKind kind, long nowMs, List<IndexHit> hits)
    {
        if (digest is null || set.Count == 0)
        {
            return;
        }
        foreach (long id in set.Lookup(digest))
        {
            if (slot.IsActive(id, nowMs))
            {
                hits.Add(new IndexHit(bank, id, kind, 0));
            }
        }
    }

    private sealed class BankSlot(Bank bank)
    {
        private readonly ConcurrentDictionary<long, long> _disabledUntil = new();
        private volatile Bank _bank = bank;

        public Bank Bank
        {
            get => _bank;
            set => _bank = value;
        }

        public IPdqMatchIndex Pdq { get; } = PdqMatchIndex.CreateDefault();

        public ExactDigestSet Md5 { get; } = new(DigestKind.Md5);

        public ExactDigestSet Sha1 { get; } = new(DigestKind.Sha1);

        public ExactDigestSet Sha256 { get; } = new(DigestKind.Sha256);

        public int Count => Pdq.Count + Md5.Count + Sha1.Count + Sha256.Count;

        public bool IsActive(long id, long nowMs) => !_disabledUntil.TryGetValue(id, out long until) || until <= nowMs;

        public void Add(in IndexedEntry e)
        {
            if (e.DisabledUntil is { } until)
            {
                _disabledUntil[e.Id] = until;
            }
            else
            {
                _disabledUntil.TryRemove(e.Id, out _);
            }
            switch (e.Kind)
            {
                case HashKind.Pdq: Pdq.Add(Hash256.Parse(e.Value), e.Id); break;
                case HashKind.Md5: Md5.Add(Convert.FromHexString(e.Value), e.Id); break;
                case HashKind.Sha1: Sha1.Add(Convert.FromHexString(e.Value), e.Id); break;
                case HashKind.Sha256: Sha256.Add(Convert.FromHexString(e.Value), e.Id); break;
                default: break;
            }
        }

        public void Remove(long id)
        {
            // The kind is not kept per id (it would cost memory per entry); removing from all four is cheap.
            Pdq.Remove(id);
            Md5.Remove(id);
            Sha1.Remove(id);
            Sha256.Remove(id);
            _disabledUntil.TryRemove(id, out _);
        }
    }
}
