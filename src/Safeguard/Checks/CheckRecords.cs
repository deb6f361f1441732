// SPDX-License-Identifier: Apache-2.0
using Safeguard.Banks;

namespace Safeguard.Checks;

/// <summary>One bank entry that matched a check.</summary>
/// <param name="BankId">The bank's id.</param>
/// <param name="BankName">The bank's name at the time of the check.</param>
/// <param name="EntryId">The entry's id.</param>
/// <param name="Kind">Which hash matched.</param>
/// <param name="Distance">Hamming distance for PDQ; 0 for exact digests.</param>
/// <param name="Action">The bank's action at the time of the check.</param>
public sealed record CheckMatch(long BankId, string BankName, long EntryId, HashKind Kind, int Distance, BankAction Action)
{
    /// <summary>For text checks: where the hit starts in the checked text (UTF-16 index, inclusive).</summary>
    public int? SpanStart { get; init; }

    /// <summary>For text checks: where the hit ends (exclusive).</summary>
    public int? SpanEnd { get; init; }
}

/// <summary>The hashes a check was made with (computed from an upload, or sent by the caller).</summary>
/// <param name="Pdq">PDQ hash, lowercase hex.</param>
/// <param name="PdqQuality">PDQ quality 0–100 when the server computed it.</param>
/// <param name="Md5">MD5, lowercase hex.</param>
/// <param name="Sha1">SHA-1, lowercase hex.</param>
/// <param name="Sha256">SHA-256, lowercase hex.</param>
public sealed record CheckHashes(string? Pdq, int? PdqQuality, string? Md5, string? Sha1, string? Sha256);

/// <summary>
/// A check that matched, recorded for review and transparency. Checks without a match are only
/// counted (<see cref="Storage.ISafeguardStore.AddUnmatchedCheckCountsAsync"/>).
/// </summary>
/// <param name="Id">Store-assigned id (0 before it is stored).</param>
/// <param name="CheckedAt">When the check was made.</param>
/// <param name="ApiKeyId">The key that asked.</param>
/// <param name="ContentRef">The caller's reference to the content (opaque to Safeguard).</param>
/// <param name="UserRef">The caller's reference to the uploading user (opaque to Safeguard).</param>
/// <param name="Hashes">The hashes checked.</param>
/// <param name="Decision">The decision returned: an action's text form.</param>
/// <param name="Matches">Every matching entry.</param>
public sealed record RecordedCheck(
    long Id,
    DateTimeOffset CheckedAt,
    long ApiKeyId,
    string? ContentRef,
    string? UserRef,
    CheckHashes Hashes,
    string Decision,
    IReadOnlyList<CheckMatch> Matches)
{
    /// <summary>What was checked: <c>image</c>, <c>hashes</c> or <c>text</c>; null for checks recorded before schema step 3.</summary>
    public string? Input { get; init; }

    /// <summary>For text checks: where the text appeared (<c>post</c>, <c>message</c>, <c>profile</c>, <c>search</c>).</summary>
    public string? Context { get; init; }

    /// <summary>For text checks routed to review (a hit bank's action is review or hold): the text, for the reviewer. Null otherwise.</summary>
    public string? Text { get; init; }
}

/// <summary>Checks without a match, counted per UTC day and key.</summary>
public readonly record struct UnmatchedCheckCount(DateOnly Day, long ApiKeyId, long Checks);
