// SPDX-License-Identifier: Apache-2.0
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.ReviewConsole.Banks;

/// <summary>A bank as the console lists it.</summary>
/// <param name="Name">Unique name.</param>
/// <param name="Source">IWF, NCMEC, StopNCII, internal, …</param>
/// <param name="Category">CSAM, NCII, …; <c>allow</c> banks list known-harmless content.</param>
/// <param name="Action">block, hold, review, report — or allow for an allow-list bank.</param>
/// <param name="Enabled">Disabled banks are kept but never matched.</param>
/// <param name="Mode">Enforce, or shadow (record what would have happened).</param>
/// <param name="Entries">Live entries.</param>
public sealed record BankSummary(string Name, string Source, string Category, string Action, bool Enabled, RuleMode Mode, long Entries)
{
    /// <summary>True for an allow-list (negative) bank.</summary>
    public bool IsAllowList => string.Equals(Action, "allow", StringComparison.Ordinal);
}

/// <summary>One entry as the console lists it.</summary>
public sealed record BankEntryView(long Id, string Kind, string Value, string? ExternalId, IReadOnlyList<string> Labels, string AddedBy, DateTimeOffset AddedAt);

/// <summary>The fields of a new bank from the console form.</summary>
public sealed record BankForm(string Name, string Source, string Category, string Action, RuleMode Mode);

/// <summary>How an import went. <paramref name="FirstError"/> names the first rejected line and why.</summary>
public sealed record ImportResult(int Added, int Rejected, string? FirstError);

/// <summary>A bank operation failed because of the input; the message says what to fix.</summary>
public sealed class BankInputException(string message) : Exception(message);

/// <summary>
/// What the console needs from the server's bank store. The server implements it over its SQL
/// store (with audit entries and the change feed); <see cref="InMemoryBankCatalog"/> serves tests.
/// </summary>
public interface IBankCatalog : IBankFeedback
{
    /// <summary>Banks whose name, source or category contains <paramref name="search"/> (all when null).</summary>
    Task<IReadOnlyList<BankSummary>> ListAsync(string? search, CancellationToken cancellationToken = default);

    /// <summary>Creates a bank; <see cref="BankInputException"/> for a bad or taken name.</summary>
    Task<BankSummary> CreateAsync(BankForm form, string actor, CancellationToken cancellationToken = default);

    /// <summary>Enables or disables a bank; false if it does not exist.</summary>
    Task<bool> SetEnabledAsync(string name, bool enabled, string actor, CancellationToken cancellationToken = default);

    /// <summary>Entries of <paramref name="bank"/> whose value, external id or label contains <paramref name="search"/>.</summary>
    Task<IReadOnlyList<BankEntryView>> ListEntriesAsync(string bank, string? search, int limit, CancellationToken cancellationToken = default);

    /// <summary>Adds one entry; <see cref="BankInputException"/> names the bad field.</summary>
    Task<BankEntryView> AddEntryAsync(string bank, string kind, string value, string? externalId, IReadOnlyList<string> labels, string actor, CancellationToken cancellationToken = default);

    /// <summary>Imports lines of <c>value</c> (of <paramref name="defaultKind"/>) or <c>kind value</c>; all or nothing.</summary>
    Task<ImportResult> ImportAsync(string bank, string defaultKind, TextReader lines, string actor, CancellationToken cancellationToken = default);
}
