// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Storage;

/// <summary>What a row of the change feed says changed.</summary>
public enum BankChangeKind
{
    /// <summary>A bank was created, updated or deleted: reload its settings (absent = deleted).</summary>
    Bank = 1,

    /// <summary>Entries with ids in [first, last] of a bank were added or changed: reload them.</summary>
    Entries = 2,
}

/// <summary>
/// One row of the change feed. Rows only point at what changed; readers load the current state,
/// so applying a row twice, or late, is harmless.
/// </summary>
public readonly record struct BankChange(long Id, long BankId, BankChangeKind Kind, long FirstEntryId, long LastEntryId);
