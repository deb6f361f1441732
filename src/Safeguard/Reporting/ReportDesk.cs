// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>A report's XML as it would be submitted, and what the schema says about it.</summary>
/// <param name="Xml">The <c>report</c> document.</param>
/// <param name="Validated">True when a schema was available and the document was checked.</param>
/// <param name="Errors">Schema errors (empty when valid or not validated).</param>
/// <param name="Note">Why the document was not validated, when it was not.</param>
public sealed record ReportPreview(string Xml, bool Validated, IReadOnlyList<string> Errors, string? Note);

/// <summary>What a send did: the NCMEC outcome (null when routing sends nothing to NCMEC) and the NCA outcome.</summary>
public sealed record ReportSendOutcome(NcmecResult? Ncmec, RoutingDecision Nca, NcaSendResult? NcaResult);

/// <summary>The NCMEC side of the desk: a sender and the schema it validates against. Null when NCMEC is not configured.</summary>
public sealed record NcmecConnection(NcmecReportSender Sender, ICyberTiplineSchemaSource Schema);

/// <summary>
/// One place for everything a person does with reports, used by the API, the console and the CLI:
/// draft from confirmed cases, list, show, preview, send (NCMEC and/or NCA per routing), retract,
/// sweep, and the vault's retention proposals. Sending and retracting hold the directory's
/// <see cref="ReportingLock"/>, so the server's sweep and a CLI never drive a report at once.
/// </summary>
public sealed class ReportDesk(
    ReportingLayout layout,
    ReportingEngine engine,
    ReportEvidenceIndex evidence,
    NcmecConnection? ncmec,
    INcaSender nca,
    CaseReportBuilder? cases,
    TimeProvider? time = null,
    string? draftingProblem = null)
{
    private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ReportingLayout Layout => layout;

    /// <summary>Told of every report that reached NCMEC (finished) or the NCA; the host records them for transparency.</summary>
    public IReportSentObserver? SentObserver { get; set; }

    public ReportingEngine Engine => engine;

    public ReportEvidenceIndex Evidence => evidence;

    /// <summary>True when NCMEC credentials are configured.</summary>
    public bool NcmecConfigured => ncmec is not null;

    /// <summary>True when drafting from cases is available (the host registered a case store).</summary>
    public bool CasesAvailable => cases is not null;

    public IReadOnlyList<ReportOverview> List() => engine.List();

    public ReportOverview Show(string reportKey) => engine.Show(reportKey);

    /// <summary>Drafts one report from confirmed cases about one user, unless one of them is already in a live report.</summary>
    public async Task<IReadOnlyList<ReportSummary>> DraftFromCasesAsync(IReadOnlyCollection<long> caseIds, CaseDraftOptions options, string actor, CancellationToken cancellationToken = default)
    {
        if (cases is null)
        {
            throw new CaseReportException("drafting from cases needs the case store, which this host does not provide");
        }
        ArgumentNullException.ThrowIfNull(caseIds);
        if (draftingProblem is not null)
        {
            throw new CaseReportException(draftingProblem);
        }
        foreach (var existing in engine.List())
        {
            var overlap = CaseReportBuilder.CaseIds(existing.Summary.CaseId).Intersect(caseIds).ToList();
            if (overlap.Count > 0 && existing.NcmecStatus != ReportStatus.Withdrawn)
            {
                throw new CaseReportException($"case {overlap[0]} is already in report {existing.Summary.ReportKey}; retract that report first to draft it again");
            }
        }
        var request = await cases.BuildAsync(caseIds, options, actor, cancellationToken).ConfigureAwait(false);
        return engine.Draft(request);
    }

    /// <summary>The report document as it would be sent, validated against the CyberTipline schema when one is available.</summary>
    public async Task<ReportPreview> PreviewAsync(string reportKey, string actor, CancellationToken cancellationToken = default)
    {
        var draft = engine.ReadDraft(reportKey, actor, "preview report");
        var document = CyberTiplineXml.BuildReport(draft);
        string xml = Encoding.UTF8.GetString(CyberTiplineXml.ToBytes(document));
        if (ncmec is null)
        {
            return new ReportPreview(xml, false, [], "NCMEC is not configured, so no schema is available");
        }
        try
        {
            var schema = await ncmec.Schema.GetAsync(cancellationToken).ConfigureAwait(false);
            return new ReportPreview(xml, true, schema.Validate(document), null);
        }
        catch (Exception e) when (e is HttpRequestException or CyberTiplineTransportException or FormatException or TaskCanceledException or System.Xml.XmlException)
        {
            return new ReportPreview(xml, false, [], "the schema could not be fetched: " + e.Message);
        }
    }

    /// <summary>The NCA package the report would produce now (an audited read; nothing is sent or stored).</summary>
    public NcaReportPackage PreviewNcaPackage(string reportKey, string actor)
    {
        var draft = engine.ReadDraft(reportKey, actor, "preview nca package");
        var state = NcmecState.Replay(engine.Store.ReadJournal(reportKey));
        return NcaPackages.Build(draft, engine.Vault, _time.GetUtcNow(), state.FinishedReportId, null);
    }

    /// <summary>
    /// Sends the report where routing says: NCMEC first (when routed there), then the NCA when
    /// routing requires it (which may depend on the NCMEC outcome).
    /// </summary>
    public async Task<ReportSendOutcome> SendAsync(string reportKey, string actor, CancellationToken cancellationToken = default)
    {
        using var held = await ReportingLock.AcquireAsync(layout, LockWait, cancellationToken).ConfigureAwait(false);
        var summary = engine.Store.Get(reportKey);
        NcmecResult? ncmecResult = null;
        if (summary.SendToNcmec)
        {
            if (ncmec is null)
            {
                throw new InvalidOperationException("routing sends this report to NCMEC, but NCMEC credentials are not configured (Safeguard:Reporting:Ncmec)");
            }
            ncmecResult = await ncmec.Sender.SendAsync(reportKey, cancellationToken).ConfigureAwait(false);
        }
        var decision = engine.DecideNca(reportKey);
        NcaSendResult? ncaResult = null;
        if (decision.Nca == NcaRoute.Required && !engine.Show(reportKey).NcaPackageSent)
        {
            var declaration = new NcaDeclaration(NcaDeclaration.StandardStatement, actor, _time.GetUtcNow());
            ncaResult = await engine.SendToNcaAsync(reportKey, nca, declaration, actor, cancellationToken).ConfigureAwait(false);
        }
        var outcome = new ReportSendOutcome(ncmecResult, decision, ncaResult);
        if (SentObserver is { } observer)
        {
            await observer.OnSentAsync(summary, outcome, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }
        return outcome;
    }

    /// <summary>Withdraws a report that is not finished at NCMEC.</summary>
    public async Task<NcmecResult> RetractAsync(string reportKey, string actor, string reason, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 2000)
        {
            throw new ArgumentException("a retraction needs a reason of 1-2000 characters", nameof(reason));
        }
        using var held = await ReportingLock.AcquireAsync(layout, LockWait, cancellationToken).ConfigureAwait(false);
        var state = NcmecState.Replay(engine.Store.ReadJournal(reportKey));
        if (ncmec is null)
        {
            if (state.ReportId is not null || state.Pending is not null)
            {
                throw new InvalidOperationException("the report is open at NCMEC; retracting it needs NCMEC credentials");
            }
            if (state.Status == ReportStatus.Finished)
            {
                throw new InvalidOperationException($"report {reportKey} is finished at NCMEC; a finished report cannot be retracted");
            }
            engine.Store.Append(reportKey, new ReportEvent(ReportEvents.Withdrawn, _time.GetUtcNow(), state.Attempt) { Actor = actor, Detail = reason.Trim() });
            var after = NcmecState.Replay(engine.Store.ReadJournal(reportKey));
            return new NcmecResult(reportKey, after.Status, null, null, after.Problem, []);
        }
        return await ncmec.Sender.RetractAsync(reportKey, actor, reason.Trim(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes or retracts every report in flight (start-up and every few minutes). Skips quietly when another process holds the lock.</summary>
    public async Task<IReadOnlyList<NcmecResult>> SweepAsync(CancellationToken cancellationToken = default)
    {
        if (ncmec is null)
        {
            return [];
        }
        using var held = await ReportingLock.AcquireAsync(layout, LockWait, cancellationToken).ConfigureAwait(false);
        var results = await ncmec.Sender.SweepAsync(cancellationToken).ConfigureAwait(false);
        if (SentObserver is { } observer)
        {
            foreach (var finished in results.Where(r => r.Status == ReportStatus.Finished))
            {
                var outcome = new ReportSendOutcome(finished, engine.DecideNca(finished.ReportKey), null);
                await observer.OnSentAsync(engine.Store.Get(finished.ReportKey), outcome, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }
        }
        return results;
    }

    /// <summary>Vault objects whose retention ran out and that carry no hold: proposals awaiting a person's approval.</summary>
    public IReadOnlyList<EvidenceObjectInfo> ExpiryProposals() => engine.Vault.FindExpired();

    /// <summary>Deletes one proposed object, recording who approved it.</summary>
    public EvidenceObjectInfo ApproveDeletion(string objectId, string approvedBy) => engine.Vault.DeleteExpired(objectId, approvedBy);
}
