// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Reporting;

/// <summary>Where a report stands overall.</summary>
public enum ReportStatus
{
    /// <summary>Drafted; nothing sent.</summary>
    Draft,

    /// <summary>A submission is under way or was interrupted and will be resumed.</summary>
    Sending,

    /// <summary>NCMEC confirmed the report as finished; the receipt is stored.</summary>
    Finished,

    /// <summary>Withdrawn by an operator before it was finished.</summary>
    Withdrawn,

    /// <summary>Stopped: a person must act (fix the draft, credentials, or look at the alert).</summary>
    NeedsAttention,
}

/// <summary>The NCMEC side of one report, rebuilt by replaying its journal (event types in docs/reporting.md).</summary>
public sealed class NcmecState
{
    public static readonly TimeSpan OpenWindow = TimeSpan.FromHours(24);
    public static readonly TimeSpan ModifiedWindow = TimeSpan.FromHours(1);

    public ReportStatus Status { get; private set; } = ReportStatus.Draft;

    public int Attempt { get; private set; }

    /// <summary>The open (not finished, retracted or abandoned) NCMEC report of the current attempt.</summary>
    public long? ReportId { get; private set; }

    public DateTimeOffset? OpenedAt { get; private set; }

    public DateTimeOffset? LastModifiedAt { get; private set; }

    public Dictionary<int, FileProgress> Files { get; } = [];

    /// <summary>An intent (<c>*.sending</c>) with no recorded outcome: the call may or may not have reached NCMEC.</summary>
    public ReportEvent? Pending { get; private set; }

    /// <summary>The open report must be retracted (and the submission restarted unless stopped).</summary>
    public string? RetractReason { get; private set; }

    /// <summary>The last call to <c>/finish</c> had an unknown outcome: call it again, never resubmit.</summary>
    public bool FinishUnknown { get; private set; }

    public string? Problem { get; private set; }

    public int ConsecutiveFailures { get; private set; }

    /// <summary>Attempts since the run began (a run ends when the sender stops for a person).</summary>
    public int AttemptsInRun { get; private set; }

    private bool _runEnded = true;

    public long? FinishedReportId { get; private set; }

    public IReadOnlyList<string> FinishedFileIds { get; private set; } = [];

    public string? ReceiptExchange { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public List<string> VaultObjects { get; } = [];

    /// <summary>NCMEC deletes an unfinished report at max(opened + 24 h, last modified + 1 h).</summary>
    public DateTimeOffset? Deadline => OpenedAt is { } o ? Max(o + OpenWindow, (LastModifiedAt ?? o) + ModifiedWindow) : null;

    public static NcmecState Replay(IEnumerable<ReportEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var s = new NcmecState();
        foreach (var e in events)
        {
            s.Apply(e);
        }
        return s;
    }

    private void Apply(ReportEvent e)
    {
        if (e.ObjectId is not null)
        {
            VaultObjects.Add(e.ObjectId);
        }
        switch (e.Type)
        {
            case ReportEvents.AttemptStarted:
                AttemptsInRun = _runEnded ? 1 : AttemptsInRun + 1;
                _runEnded = false;
                Attempt = e.Attempt;
                Status = ReportStatus.Sending;
                ReportId = null;
                OpenedAt = LastModifiedAt = null;
                Files.Clear();
                Pending = null;
                RetractReason = null;
                FinishUnknown = false;
                Problem = null;
                break;
            case ReportEvents.SubmitSending:
            case ReportEvents.UploadSending:
            case ReportEvents.FileInfoSending:
            case ReportEvents.FinishSending:
            case ReportEvents.RetractSending:
                Pending = e;
                if (e.Type is ReportEvents.UploadSending or ReportEvents.FileInfoSending)
                {
                    // The intent's time is before NCMEC's own timestamp, so the deadline we keep is never late.
                    LastModifiedAt = e.At;
                }
                break;
            case ReportEvents.SubmitOk:
                ReportId = e.ReportId;
                OpenedAt = LastModifiedAt = Pending?.At ?? e.At;
                Succeeded();
                break;
            case ReportEvents.UploadOk:
                File(e.FileIndex).FileId = e.FileId;
                File(e.FileIndex).Md5 = e.Md5;
                Succeeded();
                break;
            case ReportEvents.UploadMd5Mismatch:
                File(e.FileIndex).Mismatches++;
                Succeeded();
                break;
            case ReportEvents.FileMissing:
                File(e.FileIndex).FileId = null;
                File(e.FileIndex).InfoSent = false;
                Pending = null;
                break;
            case ReportEvents.FileInfoOk:
                File(e.FileIndex).InfoSent = true;
                Succeeded();
                break;
            case ReportEvents.Failed:
                Pending = null;
                ConsecutiveFailures++;
                break;
            case ReportEvents.OutcomeUnknown:
                Pending = null;
                ConsecutiveFailures++;
                if (e.Detail == "finish")
                {
                    FinishUnknown = true;
                }
                break;
            case ReportEvents.RetractRequired:
                RetractReason = e.Detail;
                break;
            case ReportEvents.Finished:
                Status = ReportStatus.Finished;
                FinishedReportId = e.ReportId;
                FinishedFileIds = e.FileIds ?? [];
                ReceiptExchange = e.Exchange;
                FinishedAt = e.At;
                Pending = null;
                break;
            case ReportEvents.Retracted:
            case ReportEvents.Abandoned:
                ReportId = null;
                Pending = null;
                RetractReason = null;
                break;
            case ReportEvents.Stopped:
                Status = ReportStatus.NeedsAttention;
                Problem = e.Detail;
                Pending = null;
                ConsecutiveFailures = 0;
                _runEnded = true;
                break;
            case ReportEvents.Withdrawn:
                Status = ReportStatus.Withdrawn;
                Problem = e.Detail;
                break;
            default:
                // Events of other recipients (NCA) and unknown future types do not change NCMEC state.
                break;
        }
    }

    private void Succeeded()
    {
        Pending = null;
        ConsecutiveFailures = 0;
    }

    private FileProgress File(int? index)
    {
        int i = index ?? throw new InvalidOperationException("journal event without a file index");
        if (!Files.TryGetValue(i, out var f))
        {
            f = new FileProgress();
            Files[i] = f;
        }
        return f;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>Progress of one file within the current attempt.</summary>
public sealed class FileProgress
{
    public string? FileId { get; set; }

    public string? Md5 { get; set; }

    public bool InfoSent { get; set; }

    public int Mismatches { get; set; }
}

/// <summary>Journal event types (stable strings: they are persisted).</summary>
public static class ReportEvents
{
    public const string Drafted = "drafted";
    public const string AttemptStarted = "attempt.started";
    public const string SubmitSending = "submit.sending";
    public const string SubmitOk = "submit.ok";
    public const string UploadSending = "upload.sending";
    public const string UploadOk = "upload.ok";
    public const string UploadMd5Mismatch = "upload.md5-mismatch";
    public const string FileMissing = "upload.file-missing";
    public const string FileInfoSending = "fileinfo.sending";
    public const string FileInfoOk = "fileinfo.ok";
    public const string FinishSending = "finish.sending";
    public const string Finished = "finished";
    public const string RetractSending = "retract.sending";
    public const string Retracted = "retracted";
    public const string RetractRequired = "retract.required";
    public const string Abandoned = "abandoned";
    public const string Failed = "failed";
    public const string OutcomeUnknown = "outcome-unknown";
    public const string Stopped = "stopped";
    public const string Withdrawn = "withdrawn";
    public const string NcaPackaged = "nca.packaged";
    public const string NcaSent = "nca.sent";
    public const string NcaReference = "nca.reference";
    public const string NcaRouted = "nca.routed";
}
