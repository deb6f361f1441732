// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Cases;

/// <summary>Things that happen to a case. Each is one line of its history.</summary>
public enum CaseAction
{
    /// <summary>Intake opened the case.</summary>
    Open,

    /// <summary>A reviewer took the case.</summary>
    Claim,

    /// <summary>The reviewer gave the case back undecided.</summary>
    Release,

    /// <summary>The claim lapsed without a decision.</summary>
    Expire,

    /// <summary>Decision: the signal is right.</summary>
    Confirm,

    /// <summary>Decision: false positive.</summary>
    Clear,

    /// <summary>Decision: senior review needed.</summary>
    Escalate,

    /// <summary>The reviewer deliberately unblurred the image (counts towards nothing; kept for the record).</summary>
    Reveal,
}

/// <summary>
/// The legal moves of a case. Open and escalated cases wait in queues; a claim moves them to
/// in-review; the holder confirms, clears or escalates, or gives the case back (release, or the
/// claim expires) and it returns to the queue it came from. Confirmed and cleared are final.
/// </summary>
public static class CaseStateMachine
{
    /// <summary>
    /// The status after <paramref name="action"/>, or an exception naming why the move is illegal.
    /// <paramref name="escalated"/> says whether the case has been escalated before.
    /// </summary>
    /// <exception cref="CaseTransitionException">The move is not allowed from <paramref name="from"/>.</exception>
    public static CaseStatus Next(CaseStatus from, CaseAction action, bool escalated)
    {
        if (TryNext(from, action, escalated, out var to, out var error))
        {
            return to;
        }
        throw new CaseTransitionException(from, action, error);
    }

    /// <summary>Like <see cref="Next"/> but reports an illegal move as a message instead of an exception.</summary>
    public static bool TryNext(CaseStatus from, CaseAction action, bool escalated, out CaseStatus to, out string error)
    {
        to = from;
        error = string.Empty;
        if (from is CaseStatus.Confirmed or CaseStatus.Cleared)
        {
            error = $"the case is already {CaseText.Name(from)}; a decided case cannot be changed";
            return false;
        }
        switch (action)
        {
            case CaseAction.Open:
                error = "a case is opened only once";
                return false;
            case CaseAction.Claim:
                if (from is CaseStatus.Open or CaseStatus.Escalated or CaseStatus.InReview)
                {
                    // In-review → in-review is a renewal by the holder or a take-over of a lapsed claim;
                    // whether the claim may be taken is the store's atomic condition, not a status rule.
                    to = CaseStatus.InReview;
                    return true;
                }
                break;
            case CaseAction.Release:
            case CaseAction.Expire:
                if (from == CaseStatus.InReview)
                {
                    to = escalated ? CaseStatus.Escalated : CaseStatus.Open;
                    return true;
                }
                error = $"only a case in review can be {(action == CaseAction.Release ? "released" : "expired")}; this one is {CaseText.Name(from)}";
                return false;
            case CaseAction.Reveal:
                if (from == CaseStatus.InReview)
                {
                    return true;
                }
                error = $"claim the case before revealing its image; it is {CaseText.Name(from)}";
                return false;
            case CaseAction.Confirm:
            case CaseAction.Clear:
            case CaseAction.Escalate:
                if (from != CaseStatus.InReview)
                {
                    error = $"claim the case before deciding it; it is {CaseText.Name(from)}";
                    return false;
                }
                if (action == CaseAction.Escalate && escalated)
                {
                    error = "the case has already been escalated; confirm or clear it";
                    return false;
                }
                to = action switch
                {
                    CaseAction.Confirm => CaseStatus.Confirmed,
                    CaseAction.Clear => CaseStatus.Cleared,
                    _ => CaseStatus.Escalated,
                };
                return true;
            default:
                break;
        }
        error = $"'{CaseText.Name(action)}' is not allowed on a case that is {CaseText.Name(from)}";
        return false;
    }

    /// <summary>The history action that records <paramref name="decision"/>.</summary>
    public static CaseAction ActionOf(CaseDecision decision) => decision switch
    {
        CaseDecision.Confirm => CaseAction.Confirm,
        CaseDecision.Clear => CaseAction.Clear,
        CaseDecision.Escalate => CaseAction.Escalate,
        _ => throw new ArgumentOutOfRangeException(nameof(decision)),
    };
}

/// <summary>An illegal move on a case. The message says what was attempted and why it is refused.</summary>
public sealed class CaseTransitionException : InvalidOperationException
{
    public CaseTransitionException(CaseStatus from, CaseAction action, string reason)
        : base($"cannot {CaseText.Name(action)}: {reason}")
    {
        From = from;
        Action = action;
    }

    public CaseTransitionException()
    {
    }

    public CaseTransitionException(string message)
        : base(message)
    {
    }

    public CaseTransitionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The status the case was in.</summary>
    public CaseStatus From { get; }

    /// <summary>The refused action.</summary>
    public CaseAction Action { get; }
}
