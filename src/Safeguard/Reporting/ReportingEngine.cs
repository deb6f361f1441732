// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>A report as the console and CLI show it: summary, NCMEC and NCA state, journal.</summary>
public sealed record ReportOverview(
    ReportSummary Summary,
    ReportStatus NcmecStatus,
    long? NcmecReportId,
    string? NcmecReceipt,
    string? Problem,
    RoutingDecision NcaRouting,
    bool NcaPackageSent,
    string? NcaReference,
    IReadOnlyList<ReportEvent> Journal);

/// <summary>
/// The entry point for cases and the console: drafts reports from a confirmed case, lists and
/// shows them, routes and sends NCA packages, and records NCA references. NCMEC submission is
/// <see cref="NcmecReportSender"/>, over the same store and vault.
/// </summary>
public sealed class ReportingEngine(IReportStore store, IEvidenceVault vault, ReporterSettings reporter, RoutingSettings routing, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public IReportStore Store => store;

    public IEvidenceVault Vault => vault;

    /// <summary>Drafts one report per reported user and stores each (draft encrypted in the vault).</summary>
    public IReadOnlyList<ReportSummary> Draft(ReportRequest request)
    {
        var drafts = new ReportDrafter(vault, reporter, routing, _time).Draft(request);
        var summaries = new List<ReportSummary>();
        foreach (var draft in drafts)
        {
            var stored = vault.Put(JsonSerializer.SerializeToUtf8Bytes(draft, EvidenceJson.Options), EvidenceKind.SubmittedData, request.DecidedBy);
            var summary = new ReportSummary
            {
                ReportKey = draft.ReportKey,
                CaseId = draft.CaseId,
                CreatedAt = draft.CreatedAt,
                IncidentType = draft.IncidentType,
                Priority = draft.Priority,
                FileCount = draft.Files.Count,
                TextOnly = draft.Files.All(f => f.Item is null),
                DraftObjectId = stored.Id,
                SendToNcmec = draft.Routing.SendToNcmec,
                NcaRoute = draft.Routing.Nca,
                UkLink = draft.UkLink,
            };
            store.Create(summary);
            store.Append(draft.ReportKey, new ReportEvent(ReportEvents.Drafted, _time.GetUtcNow(), 0) { Actor = request.DecidedBy, ObjectId = stored.Id, Detail = draft.IncidentTimeClamped ? "incident time was in the future and was clamped to the past" : null });
            summaries.Add(summary);
        }
        return summaries;
    }

    public IReadOnlyList<ReportOverview> List() => [.. store.List().Select(s => Overview(s))];

    public ReportOverview Show(string reportKey) => Overview(store.Get(reportKey));

    /// <summary>Reads a draft (an audited vault read).</summary>
    public ReportDraft ReadDraft(string reportKey, string actor, string purpose)
    {
        var summary = store.Get(reportKey);
        return JsonSerializer.Deserialize<ReportDraft>(vault.Read(summary.DraftObjectId, actor, purpose), EvidenceJson.Options)
            ?? throw new ReportStoreException($"report {reportKey}: draft is empty");
    }

    /// <summary>Routes the report to the NCA now, given how its NCMEC report stands.</summary>
    public RoutingDecision DecideNca(string reportKey)
    {
        var summary = store.Get(reportKey);
        var journal = store.ReadJournal(reportKey);
        var ncmec = NcmecState.Replay(journal);
        var progress = !summary.SendToNcmec ? NcmecProgress.NotSent : ncmec.Status switch
        {
            ReportStatus.Finished => NcmecProgress.Finished,
            ReportStatus.Withdrawn or ReportStatus.NeedsAttention => NcmecProgress.FailedOrRetracted,
            ReportStatus.Sending => NcmecProgress.Pending,
            _ => NcmecProgress.NotSent,
        };
        return ReportRouter.Decide(routing, summary.UkLink ?? new UkLinkEvidence(), summary.Priority, progress);
    }

    /// <summary>
    /// Builds the NCA package and hands it to <paramref name="sender"/> if routing requires an NCA
    /// report. The package sent is kept in the vault. Returns null (with the routing decision
    /// journaled) when the NCA must not or need not receive it.
    /// </summary>
    public async Task<NcaSendResult?> SendToNcaAsync(string reportKey, INcaSender sender, NcaDeclaration declaration, string actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(declaration);
        var decision = DecideNca(reportKey);
        var now = _time.GetUtcNow();
        store.Append(reportKey, new ReportEvent(ReportEvents.NcaRouted, now, 0) { Actor = actor, Detail = decision.Nca + ": " + string.Join(" | ", decision.Reasons) });
        if (decision.Nca != NcaRoute.Required)
        {
            return null;
        }
        var draft = ReadDraft(reportKey, actor, "nca package");
        var ncmec = NcmecState.Replay(store.ReadJournal(reportKey));
        var package = NcaPackages.Build(draft, vault, now, ncmec.FinishedReportId, declaration);
        var stored = vault.Put(NcaPackages.ToJson(package), EvidenceKind.SubmittedData, actor);
        store.Append(reportKey, new ReportEvent(ReportEvents.NcaPackaged, now, 0) { Actor = actor, ObjectId = stored.Id });
        var result = await sender.SendAsync(package, ct).ConfigureAwait(false);
        store.Append(reportKey, new ReportEvent(ReportEvents.NcaSent, _time.GetUtcNow(), 0) { Actor = actor, Detail = result.Detail });
        // Schedule 1 retention runs from the date the report was sent.
        foreach (var id in draft.Files.Select(f => f.VaultObjectId).Append(stored.Id).Append(store.Get(reportKey).DraftObjectId))
        {
            vault.StartRetention(id, now, actor);
        }
        if (result.Reference is { } reference)
        {
            RecordNcaReference(reportKey, reference, now, actor);
        }
        return result;
    }

    /// <summary>Records the NCA's unique report reference (kept five years from issue).</summary>
    public void RecordNcaReference(string reportKey, string reference, DateTimeOffset issuedAt, string actor)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > 200)
        {
            throw new ArgumentException("an NCA reference is 1-200 characters", nameof(reference));
        }
        var stored = vault.Put(System.Text.Encoding.UTF8.GetBytes(reference.Trim()), EvidenceKind.AuthorityReference, actor);
        vault.StartRetention(stored.Id, issuedAt, actor);
        store.Append(reportKey, new ReportEvent(ReportEvents.NcaReference, _time.GetUtcNow(), 0) { Actor = actor, ObjectId = stored.Id, Detail = reference.Trim() });
    }

    private ReportOverview Overview(ReportSummary summary)
    {
        var journal = store.ReadJournal(summary.ReportKey);
        var s = NcmecState.Replay(journal);
        return new ReportOverview(summary, s.Status, s.FinishedReportId ?? s.ReportId, s.ReceiptExchange, s.Problem, DecideNca(summary.ReportKey),
            journal.Any(e => e.Type == ReportEvents.NcaSent),
            journal.LastOrDefault(e => e.Type == ReportEvents.NcaReference)?.Detail, journal);
    }
}

/// <summary>
/// The on-disk layout of a reporting directory shared by the CLI and the server: the report store,
/// the evidence vault and the audit file side by side (the server keeps its audit entries in its
/// database instead, and says so in <see cref="ServerMarker"/>).
/// </summary>
public sealed record ReportingLayout(string Root)
{
    public string Store => Path.Combine(Root, "store");

    public string Vault => Path.Combine(Root, "vault");

    public string AuditFile => Path.Combine(Root, "audit.jsonl");

    /// <summary>Pointers from hashed platform references to preserved evidence (<see cref="ReportEvidenceIndex"/>).</summary>
    public string EvidenceIndex => Path.Combine(Root, "evidence-index");

    /// <summary>NCA packages written for the portal (<see cref="FileDropNcaSender"/>).</summary>
    public string NcaOutbox => Path.Combine(Root, "nca-outbox");

    /// <summary>Present when a server owns the directory: its audit chain is the server database's audit log.</summary>
    public string ServerMarker => Path.Combine(Root, "server.json");

    /// <summary>Held while sending or retracting, so the server's sweep and the CLI never drive one report at once.</summary>
    public string LockFile => Path.Combine(Root, "send.lock");

    /// <summary>Records that a server owns this folder and keeps its audit chain in the database (format <c>safeguard.reporting.server/1</c>).</summary>
    public void MarkOwnedByServer()
    {
        if (!File.Exists(ServerMarker))
        {
            Directory.CreateDirectory(Root);
            EvidenceJson.WriteAtomically(ServerMarker, JsonSerializer.SerializeToUtf8Bytes(new ServerMarkerFile(ServerMarkerFormat, "database"), EvidenceJson.Indented));
        }
    }

    /// <summary>True when a server owns this folder: vault reads must then be audited in the server database's chain, not <see cref="AuditFile"/>.</summary>
    public bool IsOwnedByServer()
    {
        if (!File.Exists(ServerMarker))
        {
            return false;
        }
        var marker = JsonSerializer.Deserialize<ServerMarkerFile>(File.ReadAllBytes(ServerMarker), EvidenceJson.Options);
        return marker is { Format: ServerMarkerFormat, Audit: "database" }
            ? true
            : throw new ReportStoreException($"'{ServerMarker}' is not a {ServerMarkerFormat} marker");
    }

    private const string ServerMarkerFormat = "safeguard.reporting.server/1";

    private sealed record ServerMarkerFile(string Format, string Audit);
}

/// <summary>
/// An exclusive lock on a reporting directory across processes (an OS file lock on
/// <see cref="ReportingLayout.LockFile"/>; released when disposed or when the process dies).
/// </summary>
public sealed class ReportingLock : IDisposable
{
    private readonly FileStream _stream;

    private ReportingLock(FileStream stream) => _stream = stream;

    /// <summary>Waits up to <paramref name="timeout"/> for the lock; throws <see cref="ReportStoreException"/> when another process keeps it.</summary>
    public static async Task<ReportingLock> AcquireAsync(ReportingLayout layout, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(layout);
        Directory.CreateDirectory(layout.Root);
        var until = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new ReportingLock(new FileStream(layout.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTimeOffset.UtcNow < until)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new ReportStoreException($"another process is sending reports from '{layout.Root}'; try again shortly", e);
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
