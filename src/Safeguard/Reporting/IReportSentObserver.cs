// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Reporting;

/// <summary>
/// Told after a send or a sweep, with what reached NCMEC and the NCA, so the host can keep its
/// transparency records (reports by recipient and priority, time to report). Called again for a
/// resumed report: an observer must tolerate seeing the same report twice, and must not throw for
/// its own storage failures (the report has been filed).
/// </summary>
public interface IReportSentObserver
{
    /// <summary>Called after <see cref="ReportDesk.SendAsync"/> or for each report a sweep finished.</summary>
    Task OnSentAsync(ReportSummary summary, ReportSendOutcome outcome, DateTimeOffset at, CancellationToken cancellationToken = default);
}
