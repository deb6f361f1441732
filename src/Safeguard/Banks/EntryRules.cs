// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;

namespace Safeguard.Banks;

/// <summary>Limits on the free-text fields of an entry, shared by the API and bulk import.</summary>
public static class EntryRules
{
    /// <summary>Longest external id.</summary>
    public const int MaxExternalIdLength = 200;

    /// <summary>Most labels on one entry.</summary>
    public const int MaxLabels = 32;

    /// <summary>Longest label.</summary>
    public const int MaxLabelLength = 100;

    /// <summary>Longest note.</summary>
    public const int MaxNoteLength = 2000;

    /// <summary>
    /// Checks and builds an entry. On failure <paramref name="field"/> names the offending field and
    /// <paramref name="error"/> says what is wrong, never quoting the value.
    /// </summary>
    public static bool TryCreate(string? kindText, HashKind? defaultKind, string? value, string? externalId, IReadOnlyList<string>? labels, string? note,
        [NotNullWhen(true)] out NewBankEntry? entry, [NotNullWhen(false)] out string? field, [NotNullWhen(false)] out string? error)
    {
        entry = null;
        HashKind kind;
        if (string.IsNullOrWhiteSpace(kindText))
        {
            if (defaultKind is null)
            {
                (field, error) = ("kind", $"required: one of {string.Join(", ", HashKinds.Names)}");
                return false;
            }
            kind = defaultKind.Value;
        }
        else if (!HashKinds.TryParse(kindText, out kind))
        {
            (field, error) = ("kind", $"must be one of {string.Join(", ", HashKinds.Names)}");
            return false;
        }
        if (!HashKinds.TryNormalize(kind, value, out var normalized, out var valueError))
        {
            (field, error) = ("value", valueError);
            return false;
        }
        return TryComplete(kind, normalized, externalId, labels, note, out entry, out field, out error);
    }

    /// <summary>
    /// Checks the free-text fields (external id, labels, note) and builds the entry around an
    /// already normalised <paramref name="value"/>; shared with <see cref="TextEntryRules"/>.
    /// </summary>
    public static bool TryComplete(HashKind kind, string value, string? externalId, IReadOnlyList<string>? labels, string? note,
        [NotNullWhen(true)] out NewBankEntry? entry, [NotNullWhen(false)] out string? field, [NotNullWhen(false)] out string? error)
    {
        entry = null;
        externalId = string.IsNullOrWhiteSpace(externalId) ? null : externalId.Trim();
        if (externalId?.Length > MaxExternalIdLength)
        {
            (field, error) = ("externalId", $"at most {MaxExternalIdLength} characters");
            return false;
        }
        var cleanLabels = (labels ?? []).Select(l => l?.Trim() ?? "").Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (cleanLabels.Count > MaxLabels || cleanLabels.Any(l => l.Length > MaxLabelLength || l.Any(char.IsControl)))
        {
            (field, error) = ("labels", $"at most {MaxLabels} labels of at most {MaxLabelLength} printable characters");
            return false;
        }
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note?.Length > MaxNoteLength)
        {
            (field, error) = ("note", $"at most {MaxNoteLength} characters");
            return false;
        }
        entry = new NewBankEntry(kind, value, externalId, cleanLabels, note);
        field = error = null;
        return true;
    }
}
