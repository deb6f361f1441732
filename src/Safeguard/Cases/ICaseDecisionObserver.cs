// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Cases;

/// <summary>
/// Told of every reviewer decision after it is stored, audited and its webhook queued: the
/// transparency records (reviewer confirm and clear rates per detector) are kept this way without
/// the case workflow knowing about them. An observer must not throw for its own storage failures:
/// the decision has already been made.
/// </summary>
public interface ICaseDecisionObserver
{
    /// <summary>Called once per decision with the case as it stands after the decision.</summary>
    Task OnDecidedAsync(ReviewCase decidedCase, CaseDecision decision, string reviewer, DateTimeOffset decidedAt, CancellationToken cancellationToken = default);
}
