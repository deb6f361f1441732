// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.ReviewConsole.Banks;

/// <summary>Banks in memory, for tests and demos. Thread-safe.</summary>
public sealed class InMemoryBankCatalog(TimeProvider time) : IBankCatalog
{
    private const int MaxImportLines = 1_000_000;
    private static readonly string[] Actions = ["block", "hold", "review", "report", "allow"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BankSummary> _banks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<BankEntryView>> _entries = new(StringComparer.Ordinal);
    private long _nextId = 1;

    public Task<IReadOnlyList<BankSummary>> ListAsync(string? search, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<BankSummary> list = [.. _banks.Values
                .Where(b => string.IsNullOrWhiteSpace(search) || Contains(b.Name, search) || Contains(b.Source, search) || Contains(b.Category, search))
                .Select(b => b with { Entries = _entries[b.Name].Count })
                .OrderBy(b => b.Name, StringComparer.Ordinal)];
            return Task.FromResult(list);
        }
    }

    public Task<BankSummary> CreateAsync(BankForm form, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var name = form.Name?.Trim() ?? string.Empty;
        if (name.Length is 0 or > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') || name[0] == '.')
        {
            throw new BankInputException("a bank name has 1–100 letters, digits, '-', '_' or '.', and does not start with '.'");
        }
        if (!Actions.Contains(form.Action, StringComparer.Ordinal))
        {
            throw new BankInputException($"unknown action '{form.Action}'; use {string.Join(", ", Actions)}");
        }
        if (string.IsNullOrWhiteSpace(form.Source) || string.IsNullOrWhiteSpace(form.Category))
        {
            throw new BankInputException("a bank needs a source and a category");
        }
        lock (_gate)
        {
            if (_banks.ContainsKey(name))
            {
                throw new BankInputException($"a bank named '{name}' already exists");
            }
            var bank = new BankSummary(name, form.Source.Trim(), form.Category.Trim(), form.Action, true, form.Mode, 0);
            _banks[name] = bank;
            _entries[name] = [];
            return Task.FromResult(bank);
        }
    }

    public Task<bool> SetEnabledAsync(string name, bool enabled, string actor, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_banks.TryGetValue(name, out var bank))
            {
                return Task.FromResult(false);
            }
            _banks[name] = bank with { Enabled = enabled };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<BankEntryView>> ListEntriesAsync(string bank, string? search, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entries = _entries.GetValueOrDefault(bank) ?? throw new BankInputException($"no bank named '{bank}'");
            IReadOnlyList<BankEntryView> list = [.. entries
                .Where(e => string.IsNullOrWhiteSpace(search) || Contains(e.Value, search) || Contains(e.ExternalId ?? "", search) || e.Labels.Any(l => Contains(l, search)))
                .OrderByDescending(e => e.Id).Take(limit)];
            return Task.FromResult(list);
        }
    }

    public Task<BankEntryView> AddEntryAsync(string bank, string kind, string value, string? externalId, IReadOnlyList<string> labels, string actor, CancellationToken cancellationToken = default)
    {
        if (!HashText.TryNormalise(kind, value, out var hex, out var error))
        {
            throw new BankInputException(error);
        }
        lock (_gate)
        {
            var entries = _entries.GetValueOrDefault(bank) ?? throw new BankInputException($"no bank named '{bank}'");
            var entry = new BankEntryView(_nextId++, kind, hex, string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim(), labels, actor, time.GetUtcNow());
            entries.Add(entry);
            return Task.FromResult(entry);
        }
    }

    public async Task<ImportResult> ImportAsync(string bank, string defaultKind, TextReader lines, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var parsed = new List<(string Kind, string Value)>();
        var rejected = 0;
        string? firstError = null;
        var number = 0;
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (number > MaxImportLines)
            {
                throw new BankInputException($"an import holds at most {MaxImportLines:N0} lines");
            }
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var (kind, value) = space > 0 ? (text[..space].ToLowerInvariant(), text[(space + 1)..]) : (defaultKind, text);
            if (HashText.TryNormalise(kind, value, out var hex, out var error))
            {
                parsed.Add((kind, hex));
            }
            else
            {
                rejected++;
                firstError ??= string.Create(CultureInfo.InvariantCulture, $"line {number}: {error}");
            }
        }
        if (rejected > 0)
        {
            // All or nothing: a file with a bad line is fixed and imported again, never half applied.
            return new ImportResult(0, rejected, firstError);
        }
        lock (_gate)
        {
            var entries = _entries.GetValueOrDefault(bank) ?? throw new BankInputException($"no bank named '{bank}'");
            foreach (var (kind, hex) in parsed)
            {
                entries.Add(new BankEntryView(_nextId++, kind, hex, null, [], actor, time.GetUtcNow()));
            }
        }
        return new ImportResult(parsed.Count, 0, null);
    }

    public Task<string?> CheckTargetAsync(string bank, BankPolarity polarity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            string? problem = _banks.TryGetValue(bank, out var b)
                ? !b.Enabled ? $"bank '{bank}' is disabled"
                : polarity == BankPolarity.AllowList && !b.IsAllowList ? $"bank '{bank}' is not an allow-list bank; a cleared case's hashes go to an allow-list"
                : polarity == BankPolarity.Positive && b.IsAllowList ? $"bank '{bank}' is an allow-list bank; a confirmed case's hashes go to a positive bank"
                : null
                : $"no bank named '{bank}'";
            return Task.FromResult(problem);
        }
    }

    public async Task<int> AddHashesAsync(string bank, IReadOnlyDictionary<string, string> hashes, string actor, string note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var added = 0;
        foreach (var (kind, value) in hashes)
        {
            if (HashText.HexLengths.ContainsKey(kind))
            {
                await AddEntryAsync(bank, kind, value, null, ["review-feedback"], actor, cancellationToken).ConfigureAwait(false);
                added++;
            }
        }
        return added;
    }

    private static bool Contains(string text, string search) => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase);
}
