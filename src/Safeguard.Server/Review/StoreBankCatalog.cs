// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using Safeguard.Banks;
using Safeguard.Cases;
using Safeguard.Hosting.Matching;
using Safeguard.ReviewConsole.Banks;
using Safeguard.Storage;
using Safeguard.Webhooks;

namespace Safeguard.Server.Review;

/// <summary>
/// The console's banks over the server's store: the same banks, entries, audit entries and change
/// feed as the API. Each write catches this node's index up before returning, so the next check
/// here sees it (other nodes follow the change feed).
/// </summary>
internal sealed class StoreBankCatalog(ISafeguardStore store, IndexSynchronizer sync) : IBankCatalog
{
    private const int MaxImportLines = 1_000_000;
    private const int MaxListScan = 100_000;

    public async Task<IReadOnlyList<BankSummary>> ListAsync(string? search, CancellationToken cancellationToken = default)
    {
        var banks = await store.ListBanksAsync(cancellationToken).ConfigureAwait(false);
        var counts = await store.CountEntriesAsync(cancellationToken).ConfigureAwait(false);
        return [.. banks
            .Where(b => string.IsNullOrWhiteSpace(search) || Contains(b.Name, search) || Contains(b.Source, search) || Contains(b.Category, search))
            .Select(b => Summary(b, counts.GetValueOrDefault(b.Id)))];
    }

    public async Task<BankSummary> CreateAsync(BankForm form, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        var name = form.Name?.Trim() ?? string.Empty;
        if (!Bank.IsValidName(name))
        {
            throw new BankInputException($"a bank name has 1–{Bank.MaxNameLength} letters, digits, '-', '_' or '.', and does not start with '.'");
        }
        if (!BankActions.TryParse(form.Action, out var action))
        {
            throw new BankInputException($"unknown action '{Truncate(form.Action)}'; use {string.Join(", ", BankActions.Names)}");
        }
        if (string.IsNullOrWhiteSpace(form.Source) || string.IsNullOrWhiteSpace(form.Category) || form.Source.Length > 100 || form.Category.Length > 100)
        {
            throw new BankInputException("a bank needs a source and a category (each at most 100 characters)");
        }
        try
        {
            var bank = await store.CreateBankAsync(new BankDraft(name, null, form.Source.Trim(), form.Category.Trim(), Bank.DefaultPdqRadius, true, action)
            {
                Shadow = form.Mode == RuleMode.Shadow,
            }, Actor(actor), cancellationToken).ConfigureAwait(false);
            await sync.CatchUpAsync(cancellationToken).ConfigureAwait(false);
            return Summary(bank, 0);
        }
        catch (StoreConflictException e)
        {
            throw new BankInputException(e.Message);
        }
    }

    public async Task<bool> SetEnabledAsync(string name, bool enabled, string actor, CancellationToken cancellationToken = default)
    {
        var bank = await store.UpdateBankAsync(name, new BankPatch(Enabled: enabled), Actor(actor), cancellationToken).ConfigureAwait(false);
        if (bank is null)
        {
            return false;
        }
        await sync.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IReadOnlyList<BankEntryView>> ListEntriesAsync(string bank, string? search, int limit, CancellationToken cancellationToken = default)
    {
        var b = await Find(bank, cancellationToken).ConfigureAwait(false);
        // Newest first: page through the bank and keep the last matches (bounded, so a huge bank cannot stall the page).
        var found = new List<BankEntryView>();
        long after = 0;
        int scanned = 0;
        while (scanned < MaxListScan)
        {
            var page = await store.ListEntriesAsync(b.Id, after, 1000, includeDeleted: false, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }
            scanned += page.Count;
            after = page[^1].Id;
            found.AddRange(page
                .Where(e => string.IsNullOrWhiteSpace(search) || Contains(e.Value, search) || Contains(e.ExternalId ?? "", search) || e.Labels.Any(l => Contains(l, search)))
                .Select(e => new BankEntryView(e.Id, e.Kind.ToText(), e.Value, e.ExternalId, e.Labels, e.AddedBy, e.AddedAt)));
        }
        return [.. found.OrderByDescending(e => e.Id).Take(Math.Max(limit, 0))];
    }

    public async Task<BankEntryView> AddEntryAsync(string bank, string kind, string value, string? externalId, IReadOnlyList<string> labels, string actor, CancellationToken cancellationToken = default)
    {
        var b = await Find(bank, cancellationToken).ConfigureAwait(false);
        var entry = Parse(kind, value, out var error) ?? throw new BankInputException(error);
        var added = await store.AddEntryAsync(b.Id, entry with
        {
            ExternalId = string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim(),
            Labels = labels,
        }, Actor(actor), cancellationToken).ConfigureAwait(false);
        await sync.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return new BankEntryView(added.Id, added.Kind.ToText(), added.Value, added.ExternalId, added.Labels, added.AddedBy, added.AddedAt);
    }

    public async Task<ImportResult> ImportAsync(string bank, string defaultKind, TextReader lines, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var b = await Find(bank, cancellationToken).ConfigureAwait(false);
        var parsed = new List<NewBankEntry>();
        int rejected = 0, number = 0;
        string? firstError = null;
        while (await lines.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (++number > MaxImportLines)
            {
                throw new BankInputException($"an import holds at most {MaxImportLines:N0} lines; use the API for bigger files");
            }
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            var (kind, value) = space > 0 ? (text[..space].ToLowerInvariant(), text[(space + 1)..]) : (defaultKind, text);
            if (Parse(kind, value, out var error) is { } entry)
            {
                parsed.Add(entry);
            }
            else
            {
                rejected++;
                firstError ??= string.Create(CultureInfo.InvariantCulture, $"line {number}: {error}");
            }
        }
        if (rejected > 0 || parsed.Count == 0)
        {
            // All or nothing: a file with a bad line is fixed and imported again, never half applied.
            return new ImportResult(0, rejected, firstError ?? "the file holds no hashes");
        }
        await store.AddEntriesAsync(b.Id, parsed, Actor(actor), cancellationToken).ConfigureAwait(false);
        await sync.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return new ImportResult(parsed.Count, 0, null);
    }

    public async Task<string?> CheckTargetAsync(string bank, BankPolarity polarity, CancellationToken cancellationToken = default)
    {
        var b = await store.GetBankAsync(bank, cancellationToken).ConfigureAwait(false);
        return b is null ? $"no bank named '{Truncate(bank)}'"
            : !b.Enabled ? $"bank '{b.Name}' is disabled"
            : polarity == BankPolarity.AllowList && !b.IsAllowList ? $"bank '{b.Name}' is not an allow-list bank; a cleared case's hashes go to an allow-list"
            : polarity == BankPolarity.Positive && b.IsAllowList ? $"bank '{b.Name}' is an allow-list bank; a confirmed case's hashes go to a positive bank"
            : null;
    }

    public async Task<int> AddHashesAsync(string bank, IReadOnlyDictionary<string, string> hashes, string actor, string note, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var b = await Find(bank, cancellationToken).ConfigureAwait(false);
        var entries = hashes.Select(h => Parse(h.Key, h.Value, out _)).OfType<NewBankEntry>()
            .Select(e => e with { Labels = ["review-feedback"], Note = note }).ToList();
        if (entries.Count == 0)
        {
            return 0;
        }
        await store.AddEntriesAsync(b.Id, entries, Actor(actor), cancellationToken).ConfigureAwait(false);
        await sync.CatchUpAsync(cancellationToken).ConfigureAwait(false);
        return entries.Count;
    }

    private async Task<Bank> Find(string name, CancellationToken ct) =>
        await store.GetBankAsync(name, ct).ConfigureAwait(false) ?? throw new BankInputException($"no bank named '{Truncate(name)}'");

    private static NewBankEntry? Parse(string kind, string? value, out string error)
    {
        if (!HashKinds.TryParse(kind, out var k))
        {
            error = $"unknown hash kind '{Truncate(kind)}'; use pdq, md5, sha1 or sha256";
            return null;
        }
        if (!HashKinds.TryNormalize(k, value ?? string.Empty, out var normalized, out var problem))
        {
            error = problem;
            return null;
        }
        error = string.Empty;
        return new NewBankEntry(k, normalized, null, [], null);
    }

    private static BankSummary Summary(Bank b, long entries) =>
        new(b.Name, b.Source, b.Category, b.Action.ToText(), b.Enabled, b.Shadow ? RuleMode.Shadow : RuleMode.Enforce, entries);

    // Console users act as "console:NAME", distinct from API keys ("key:ID") and the CLI ("cli").
    private static string Actor(string user) => "console:" + user;

    private static bool Contains(string text, string search) => text.Contains(search.Trim(), StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string? text) => text is null ? string.Empty : text.Length <= 40 ? text : text[..40] + "…";
}
