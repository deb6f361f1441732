// SPDX-License-Identifier: Apache-2.0
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Safeguard.Banks;
using Safeguard.Text;

namespace Safeguard.Hosting.Matching;

/// <summary>One text bank entry found in a text, with its bank's settings at the time.</summary>
/// <param name="Bank">The bank.</param>
/// <param name="EntryId">The entry's id.</param>
/// <param name="EntryKind">url, domain, url-sha256 or keyword.</param>
/// <param name="Start">Start of the span in the original text (UTF-16 index, inclusive).</param>
/// <param name="End">End of the span (exclusive).</param>
public readonly record struct TextIndexHit(Bank Bank, long EntryId, HashKind EntryKind, int Start, int End);

/// <summary>What one snapshot build did.</summary>
/// <param name="Entries">Entries compiled into the snapshot.</param>
/// <param name="Refused">Stored entries the builder refused (possible only if the normaliser changed since they were stored).</param>
/// <param name="ElapsedMs">Time to build.</param>
public readonly record struct TextBuildResult(int Entries, int Refused, long ElapsedMs);

/// <summary>
/// The node's replica of every url and keyword bank. Entries are mirrored from the store as the
/// change feed reports them; whenever they change, <see cref="RebuildAsync"/> compiles a new
/// immutable <see cref="TextListSnapshot"/> from the mirror and swaps it in through a
/// <see cref="TextListHolder"/>, so a check in progress keeps the snapshot it started with and
/// never waits for a build. Bank settings (enabled, action, category), entry disable dates and
/// deletions are checked at match time, so they apply at once, even before the rebuild.
/// </summary>
public sealed class TextBankIndex
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<long, Bank> _banks = new();
    private readonly ConcurrentDictionary<long, MirroredEntry> _entries = new();
    private readonly ConcurrentDictionary<long, long> _disabledUntil = new();
    private readonly SemaphoreSlim _build = new(1, 1);
    private readonly TextListHolder _holder = new(TextListSnapshot.Empty);
    private long _version;
    private long _builtVersion;

    /// <summary>True when entries changed since the current snapshot was built.</summary>
    public bool NeedsRebuild => Interlocked.Read(ref _version) != Interlocked.Read(ref _builtVersion);

    /// <summary>The snapshot checks use now.</summary>
    public TextListSnapshot Snapshot => _holder.Current;

    /// <summary>Entries held per text bank (mirror, not snapshot).</summary>
    public IReadOnlyList<(Bank Bank, int Entries)> Sizes()
    {
        lock (_gate)
        {
            var counts = _entries.Values.GroupBy(e => e.BankId).ToDictionary(g => g.Key, g => g.Count());
            return [.. _banks.Values.Select(b => (b, counts.GetValueOrDefault(b.Id)))];
        }
    }

    /// <summary>Entries held, all text banks together.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Adds a text bank or replaces its settings.</summary>
    public void UpsertBank(Bank bank)
    {
        ArgumentNullException.ThrowIfNull(bank);
        _banks[bank.Id] = bank;
    }

    /// <summary>Forgets a bank and its entries (the store deleted them with it).</summary>
    public void RemoveBank(long bankId)
    {
        if (!_banks.TryRemove(bankId, out _))
        {
            return;
        }
        lock (_gate)
        {
            foreach (long id in _entries.Where(e => e.Value.BankId == bankId).Select(e => e.Key).ToList())
            {
                _entries.TryRemove(id, out _);
                _disabledUntil.TryRemove(id, out _);
            }
            _version++;
        }
    }

    /// <summary>True when the bank is a text bank this index holds.</summary>
    public bool HoldsBank(long bankId) => _banks.ContainsKey(bankId);

    /// <summary>Applies the current state of one text entry; entries of unknown banks are ignored.</summary>
    public void Apply(in IndexedEntry entry)
    {
        if (!entry.Kind.IsText() || !_banks.ContainsKey(entry.BankId))
        {
            return;
        }
        lock (_gate)
        {
            if (entry.Deleted)
            {
                if (_entries.TryRemove(entry.Id, out _))
                {
                    _version++;
                }
                _disabledUntil.TryRemove(entry.Id, out _);
                return;
            }
            var mirrored = new MirroredEntry(entry.BankId, entry.Kind, entry.Value);
            if (!_entries.TryGetValue(entry.Id, out var old) || old != mirrored)
            {
                _entries[entry.Id] = mirrored;
                _version++;
            }
            if (entry.DisabledUntil is { } until)
            {
                _disabledUntil[entry.Id] = until;
            }
            else
            {
                _disabledUntil.TryRemove(entry.Id, out _);
            }
        }
    }

    /// <summary>
    /// Builds a snapshot from the mirror and swaps it in, unless it is already current. Builds are
    /// serialised; checks keep scanning the previous snapshot meanwhile.
    /// </summary>
    public async Task<TextBuildResult?> RebuildAsync(CancellationToken ct)
    {
        await _build.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            long version;
            List<(long Id, MirroredEntry Entry)> entries;
            lock (_gate)
            {
                version = _version;
                if (version == Interlocked.Read(ref _builtVersion))
                {
                    return null;
                }
                entries = [.. _entries.Select(e => (e.Key, e.Value))];
            }
            var clock = Stopwatch.StartNew();
            var builder = new TextListBuilder();
            string versionText = version.ToString(CultureInfo.InvariantCulture);
            var declared = new HashSet<long>();
            int refused = 0;
            foreach (var (id, e) in entries.OrderBy(e => e.Id))
            {
                string listId = e.BankId.ToString(CultureInfo.InvariantCulture);
                if (declared.Add(e.BankId))
                {
                    // Category and action are read from the bank at match time; the list carries the bank id only.
                    builder.AddList(new TextListInfo(listId, "", versionText));
                }
                string entryId = id.ToString(CultureInfo.InvariantCulture);
                bool ok = e.Kind switch
                {
                    HashKind.Url => builder.TryAddUrl(listId, entryId, e.Value, out _),
                    HashKind.Domain => builder.TryAddDomain(listId, entryId, e.Value, out _),
                    HashKind.UrlSha256 => builder.TryAddUrlDigest(listId, entryId, e.Value, out _),
                    HashKind.Keyword => builder.TryAddKeyword(listId, entryId, e.Value, KeywordEntryOptions.Default, out _),
                    _ => false,
                };
                if (!ok)
                {
                    refused++;
                }
            }
            _holder.Swap(builder.Build());
            Interlocked.Exchange(ref _builtVersion, version);
            return new TextBuildResult(entries.Count - refused, refused, clock.ElapsedMilliseconds);
        }
        finally
        {
            _build.Release();
        }
    }

    /// <summary>Appends to <paramref name="hits"/> every active entry of an enabled text bank found in <paramref name="text"/>, in text order.</summary>
    public void Match(string text, DateTimeOffset now, List<TextIndexHit> hits)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(hits);
        long nowMs = now.ToUnixTimeMilliseconds();
        var result = _holder.Scan(text);
        foreach (var hit in result.Hits)
        {
            if (!long.TryParse(hit.Entry.List.ListId, NumberStyles.None, CultureInfo.InvariantCulture, out long bankId)
                || !long.TryParse(hit.Entry.EntryId, NumberStyles.None, CultureInfo.InvariantCulture, out long entryId)
                || !_banks.TryGetValue(bankId, out var bank) || !bank.Enabled
                || !_entries.ContainsKey(entryId)
                || (_disabledUntil.TryGetValue(entryId, out long until) && until > nowMs))
            {
                continue;
            }
            var kind = hit.Entry.Kind switch
            {
                TextEntryKind.Keyword => HashKind.Keyword,
                TextEntryKind.Domain => HashKind.Domain,
                _ => hit.Entry.Digest is null ? HashKind.Url : HashKind.UrlSha256,
            };
            hits.Add(new TextIndexHit(bank, entryId, kind, hit.Start, hit.End));
        }
    }

    private readonly record struct MirroredEntry(long BankId, HashKind Kind, string Value);
}
