// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Banks;

/// <summary>One hash in a bank.</summary>
/// <param name="Id">Store-assigned id, unique across banks.</param>
/// <param name="BankId">The bank it belongs to.</param>
/// <param name="Kind">The kind of hash.</param>
/// <param name="Value">Lowercase hex (see <see cref="HashKinds.TryNormalize"/>).</param>
/// <param name="ExternalId">The id the hash has at its source (e.g. an IWF or NCMEC id).</param>
/// <param name="Labels">Curator labels.</param>
/// <param name="Note">Free text for curators.</param>
/// <param name="AddedBy">Who added it: <c>key:ID</c> or <c>cli</c>.</param>
/// <param name="AddedAt">When it was added.</param>
/// <param name="DisabledUntil">While in the future, the entry does not match.</param>
/// <param name="Deleted">Deleted entries are kept for the record but never match.</param>
public sealed record BankEntry(
    long Id,
    long BankId,
    HashKind Kind,
    string Value,
    string? ExternalId,
    IReadOnlyList<string> Labels,
    string? Note,
    string AddedBy,
    DateTimeOffset AddedAt,
    DateTimeOffset? DisabledUntil,
    bool Deleted)
{
    /// <summary>True when the entry matches at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => !Deleted && (DisabledUntil is null || DisabledUntil <= now);
}

/// <summary>The fields of a new entry; <see cref="Value"/> must already be normalised.</summary>
public sealed record NewBankEntry(
    HashKind Kind,
    string Value,
    string? ExternalId = null,
    IReadOnlyList<string>? Labels = null,
    string? Note = null);

/// <summary>What the match index needs of an entry.</summary>
/// <param name="Id">Entry id.</param>
/// <param name="BankId">Bank id.</param>
/// <param name="Kind">Hash kind.</param>
/// <param name="Value">Lowercase hex.</param>
/// <param name="DisabledUntil">Unix milliseconds until which it does not match, if any.</param>
/// <param name="Deleted">True when deleted: the index drops it.</param>
public readonly record struct IndexedEntry(long Id, long BankId, HashKind Kind, string Value, long? DisabledUntil, bool Deleted);
