// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Banks;

/// <summary>A named list of known hashes with the action to take when content matches one.</summary>
/// <param name="Id">Store-assigned id.</param>
/// <param name="Name">Unique name, used in URLs (letters, digits, '-', '_', '.').</param>
/// <param name="Description">Free text for curators.</param>
/// <param name="Source">Where the hashes come from: IWF, NCMEC, StopNCII, internal, …</param>
/// <param name="Category">What the hashes are of: CSAM, NCII, terrorism, …</param>
/// <param name="PdqRadius">Largest Hamming distance (inclusive) at which a PDQ entry matches.</param>
/// <param name="Enabled">Disabled banks are kept but never matched.</param>
/// <param name="Action">What a match asks the platform to do.</param>
/// <param name="CreatedAt">When the bank was created.</param>
/// <param name="UpdatedAt">When the bank's settings last changed.</param>
public sealed record Bank(
    long Id,
    string Name,
    string? Description,
    string Source,
    string Category,
    int PdqRadius,
    bool Enabled,
    BankAction Action,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>
    /// Shadow mode: matches are recorded with what would have happened (a shadow outbox row) but
    /// change no decision, open no case and send nothing. For trying a new bank safely.
    /// </summary>
    public bool Shadow { get; init; }

    /// <summary>True for an allow-list (negative) bank.</summary>
    public bool IsAllowList => Action == BankAction.Allow;

    /// <summary>The PDQ reference's recommended radius.</summary>
    public const int DefaultPdqRadius = 31;

    /// <summary>Largest radius a bank may set; beyond it unrelated images start to match.</summary>
    public const int MaxPdqRadius = 128;

    /// <summary>Longest bank name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>What the bank holds: hashes (default), URLs or keywords. Fixed when the bank is created.</summary>
    public BankKind Kind { get; init; } = BankKind.Hash;

    /// <summary>True when <paramref name="name"/> is a valid bank name.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name[0] != '.';
}

/// <summary>The fields of a new bank.</summary>
public sealed record BankDraft(
    string Name,
    string? Description,
    string Source,
    string Category,
    int PdqRadius,
    bool Enabled,
    BankAction Action)
{
    /// <summary>Create the bank in shadow mode (see <see cref="Bank.Shadow"/>).</summary>
    public bool Shadow { get; init; }

    /// <summary>What the bank will hold: hashes (default), URLs or keywords.</summary>
    public BankKind Kind { get; init; } = BankKind.Hash;
}

/// <summary>A change to a bank's settings; null fields keep their value.</summary>
public sealed record BankPatch(
    string? Description = null,
    string? Source = null,
    string? Category = null,
    int? PdqRadius = null,
    bool? Enabled = null,
    BankAction? Action = null,
    bool? Shadow = null);
