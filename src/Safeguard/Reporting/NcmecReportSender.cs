// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Evidence;

namespace Safeguard.Reporting;

/// <summary>Limits of the sender; the defaults suit production.</summary>
public sealed record NcmecSenderOptions
{
    /// <summary>Finish no later than this before NCMEC's abandonment deadline (spec: 10 minutes).</summary>
    public TimeSpan DeadlineMargin { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Transient failures in a row before the sender stops and asks for a person.</summary>
    public int MaxConsecutiveFailures { get; init; } = 6;

    /// <summary>Fresh NCMEC reports one Safeguard report may open before the sender stops.</summary>
    public int MaxAttempts { get; init; } = 4;

    public TimeSpan BackoffBase { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan BackoffCap { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How the sender waits between retries (tests advance a fake clock instead of sleeping).</summary>
    public Func<TimeSpan, CancellationToken, Task>? Delay { get; init; }
}

/// <summary>The outcome of a send, retract or sweep for one report.</summary>
public sealed record NcmecResult(string ReportKey, ReportStatus Status, long? ReportId, string? ReceiptExchange, string? Problem, IReadOnlyList<string> ValidationErrors);

/// <summary>
/// Drives one report through submit → upload → fileinfo → finish (or retract) as a durable state
/// machine. Before each call it journals the intent, after it the outcome, so a new instance over
/// the same store (after a crash) resumes without filing twice:
/// <list type="bullet">
/// <item>an interrupted <c>/submit</c> may have opened an orphan report at NCMEC; it is never
/// finished, so NCMEC deletes it, and a new attempt is submitted;</item>
/// <item>an interrupted <c>/upload</c> or <c>/fileinfo</c> may have changed the report in an unknown
/// way, so the report is retracted and a new attempt starts;</item>
/// <item>an interrupted <c>/finish</c> is called again: 0 or 5102 (already finished) both mean filed.</item>
/// </list>
/// </summary>
public sealed class NcmecReportSender
{
    private const string Actor = "ncmec-sender";
    private readonly IReportStore _store;
    private readonly IEvidenceVault _vault;
    private readonly CyberTiplineClient _client;
    private readonly ICyberTiplineSchemaSource _schema;
    private readonly TimeProvider _time;
    private readonly NcmecSenderOptions _options;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;

    public NcmecReportSender(IReportStore store, IEvidenceVault vault, CyberTiplineClient client, ICyberTiplineSchemaSource schema, TimeProvider? time = null, NcmecSenderOptions? options = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _vault = vault ?? throw new ArgumentNullException(nameof(vault));
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _schema = schema ?? throw new ArgumentNullException(nameof(schema));
        _time = time ?? TimeProvider.System;
        _options = options ?? new NcmecSenderOptions();
        _delay = _options.Delay ?? ((d, ct) => Task.Delay(d, _time, ct));
    }

    /// <summary>
    /// Sends (or resumes) the report. A report that needs attention is tried again as a fresh
    /// attempt, since the operator asked for it; a finished one returns its receipt.
    /// </summary>
    public async Task<NcmecResult> SendAsync(string reportKey, CancellationToken ct = default)
    {
        var state = NcmecState.Replay(_store.ReadJournal(reportKey));
        if (state.Status == ReportStatus.Withdrawn)
        {
            return Result(reportKey, state, []);
        }
        if (state.Status == ReportStatus.NeedsAttention && state.ReportId is null)
        {
            Append(reportKey, new ReportEvent(ReportEvents.AttemptStarted, Now, state.Attempt + 1) { Detail = "resent by operator" });
        }
        return await RunAsync(reportKey, ct).ConfigureAwait(false);
    }

    /// <summary>Withdraws a report that is not finished: retracts it at NCMEC if it is open there.</summary>
    public async Task<NcmecResult> RetractAsync(string reportKey, string actor, string reason, CancellationToken ct = default)
    {
        var state = NcmecState.Replay(_store.ReadJournal(reportKey));
        if (state.Status == ReportStatus.Finished)
        {
            throw new InvalidOperationException($"report {reportKey} is finished at NCMEC (report id {state.FinishedReportId}); a finished report cannot be retracted");
        }
        if (state.Status == ReportStatus.Withdrawn)
        {
            return Result(reportKey, state, []);
        }
        Append(reportKey, new ReportEvent(ReportEvents.Withdrawn, Now, state.Attempt) { Actor = actor, Detail = reason });
        if (state.ReportId is not null || state.Pending is not null)
        {
            return await RunAsync(reportKey, ct).ConfigureAwait(false);
        }
        return Result(reportKey, NcmecState.Replay(_store.ReadJournal(reportKey)), []);
    }

    /// <summary>
    /// Resumes every report with work in flight: finishes it, or retracts it before NCMEC's
    /// deadline. The host runs this at start-up and periodically (every few minutes).
    /// </summary>
    public async Task<IReadOnlyList<NcmecResult>> SweepAsync(CancellationToken ct = default)
    {
        var results = new List<NcmecResult>();
        foreach (var summary in _store.List())
        {
            var state = NcmecState.Replay(_store.ReadJournal(summary.ReportKey));
            bool inFlight = state.Status == ReportStatus.Sending
                || (state.Status is (ReportStatus.Withdrawn or ReportStatus.NeedsAttention) && (state.ReportId is not null || state.Pending is not null));
            if (inFlight)
            {
                results.Add(await RunAsync(summary.ReportKey, ct).ConfigureAwait(false));
            }
        }
        return results;
    }

    private DateTimeOffset Now => _time.GetUtcNow();

    private async Task<NcmecResult> RunAsync(string key, CancellationToken ct)
    {
        var summary = _store.Get(key);
        ReportDraft? draft = null;
        IReadOnlyList<string> validationErrors = [];
        // Each pass replays the journal and takes one step, so a resumed run and a fresh one follow
        // the same code. The bound only guards against a logic error looping forever.
        for (int guard = 0; guard < 1000; guard++)
        {
            ct.ThrowIfCancellationRequested();
            var s = NcmecState.Replay(_store.ReadJournal(key));
            if (s.Pending is { } pending)
            {
                // Intent without outcome: the process died mid-call. Record it, then decide below.
                Append(key, new ReportEvent(ReportEvents.OutcomeUnknown, Now, s.Attempt) { Detail = StepOf(pending.Type), FileIndex = pending.FileIndex });
                if (pending.Type is ReportEvents.UploadSending or ReportEvents.FileInfoSending)
                {
                    Append(key, new ReportEvent(ReportEvents.RetractRequired, Now, s.Attempt) { Detail = $"outcome of {StepOf(pending.Type)} unknown" });
                }
                else if (pending.Type == ReportEvents.SubmitSending)
                {
                    StartNextAttempt(key, s, "submit outcome unknown; any orphan report expires unfinished");
                }
                continue;
            }
            if (s.Status == ReportStatus.Finished)
            {
                return Result(key, s, validationErrors);
            }
            bool closing = s.Status is ReportStatus.Withdrawn or ReportStatus.NeedsAttention;
            if (s.Status == ReportStatus.Draft)
            {
                Append(key, new ReportEvent(ReportEvents.AttemptStarted, Now, 1));
                continue;
            }
            if (s.ReportId is { } openId)
            {
                var now = Now;
                var deadline = s.Deadline!.Value;
                if (now >= deadline)
                {
                    Append(key, new ReportEvent(ReportEvents.Abandoned, now, s.Attempt) { ReportId = openId, Detail = "past NCMEC's abandonment deadline; NCMEC deletes it" });
                    if (!closing)
                    {
                        StartNextAttempt(key, s, "previous report abandoned");
                    }
                    continue;
                }
                if (s.FinishUnknown && !closing && now < deadline - _options.DeadlineMargin)
                {
                    await FinishAsync(key, s, openId, ct).ConfigureAwait(false);
                    continue;
                }
                if (closing || s.RetractReason is not null || now >= deadline - _options.DeadlineMargin)
                {
                    bool retracted = await RetractOpenAsync(key, s, openId, ct).ConfigureAwait(false);
                    if (retracted && !closing)
                    {
                        StartNextAttempt(key, s, s.RetractReason ?? "too close to NCMEC's deadline to finish safely");
                    }
                    continue;
                }
            }
            if (closing)
            {
                return Result(key, s, validationErrors);
            }
            if (s.ConsecutiveFailures >= _options.MaxConsecutiveFailures)
            {
                Stop(key, s, $"{s.ConsecutiveFailures} failures in a row; giving up until an operator resends");
                continue;
            }
            if (s.ConsecutiveFailures > 0)
            {
                await BackoffAsync(s, ct).ConfigureAwait(false);
            }
            draft ??= LoadDraft(summary);
            if (s.ReportId is null)
            {
                validationErrors = await SubmitAsync(key, s, draft, ct).ConfigureAwait(false);
                continue;
            }
            long reportId = s.ReportId.Value;
            var toUpload = draft.Files.FirstOrDefault(f => !s.Files.TryGetValue(f.Index, out var p) || p.FileId is null);
            if (toUpload is not null)
            {
                await UploadAsync(key, s, reportId, toUpload, ct).ConfigureAwait(false);
                continue;
            }
            var toDescribe = draft.Files.FirstOrDefault(f => !s.Files[f.Index].InfoSent);
            if (toDescribe is not null)
            {
                validationErrors = await FileInfoAsync(key, s, draft, reportId, toDescribe, ct).ConfigureAwait(false);
                continue;
            }
            await FinishAsync(key, s, reportId, ct).ConfigureAwait(false);
        }
        throw new InvalidOperationException($"report {key}: the sender made no progress in 1000 steps");
    }

    private async Task<IReadOnlyList<string>> SubmitAsync(string key, NcmecState s, ReportDraft draft, CancellationToken ct)
    {
        var schema = await _schema.GetAsync(ct).ConfigureAwait(false);
        var document = CyberTiplineXml.BuildReport(draft);
        var errors = schema.Validate(document);
        if (errors.Count > 0)
        {
            StopForValidation(key, s, "report", errors);
            return errors;
        }
        byte[] xml = CyberTiplineXml.ToBytes(document);
        var stored = _vault.Put(xml, EvidenceKind.SubmittedData, Actor);
        Append(key, new ReportEvent(ReportEvents.SubmitSending, Now, s.Attempt) { ObjectId = stored.Id, Detail = "schema sha256 " + schema.Sha256 });
        var response = await CallAsync(key, s, "submit", c => _client.SubmitAsync(xml, c), schema.Sha256, ct).ConfigureAwait(false);
        if (response is null)
        {
            // The submit may have opened a report we will never know the id of. It will never be
            // finished, so NCMEC deletes it; the next attempt submits afresh.
            StartNextAttempt(key, s, "submit outcome unknown; any orphan report expires unfinished");
            return [];
        }
        var (disposition, exchange) = response.Value;
        if (disposition == ResponseDisposition.Continue)
        {
            if (exchange.Response.ReportId is not { } id)
            {
                Stop(key, s, "submit succeeded without a reportId");
                return [];
            }
            Append(key, new ReportEvent(ReportEvents.SubmitOk, Now, s.Attempt) { ReportId = id, Exchange = exchange.Name });
            return [];
        }
        HandleFailure(key, s, disposition, exchange);
        return [];
    }

    private async Task UploadAsync(string key, NcmecState s, long reportId, DraftFile file, CancellationToken ct)
    {
        byte[] bytes = _vault.Read(file.VaultObjectId, Actor, $"ncmec upload, report {key}");
        string md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
        // The file name NCMEC sees is neutral; the user's original name goes in fileDetails.
        string name = file.TranscriptName ?? $"file-{file.Index + 1}";
        Append(key, new ReportEvent(ReportEvents.UploadSending, Now, s.Attempt) { ReportId = reportId, FileIndex = file.Index });
        var response = await CallAsync(key, s, "upload", c => _client.UploadAsync(reportId, bytes, name, c), null, ct).ConfigureAwait(false);
        if (response is null)
        {
            Append(key, new ReportEvent(ReportEvents.RetractRequired, Now, s.Attempt) { Detail = "upload outcome unknown" });
            return;
        }
        var (disposition, exchange) = response.Value;
        if (disposition != ResponseDisposition.Continue)
        {
            HandleFailure(key, s, disposition, exchange);
            return;
        }
        var r = exchange.Response;
        if (string.IsNullOrEmpty(r.FileId) || !string.Equals(r.Md5, md5, StringComparison.OrdinalIgnoreCase))
        {
            Append(key, new ReportEvent(ReportEvents.UploadMd5Mismatch, Now, s.Attempt) { FileIndex = file.Index, FileId = r.FileId, Md5 = r.Md5, Exchange = exchange.Name });
            int mismatches = (s.Files.TryGetValue(file.Index, out var p) ? p.Mismatches : 0) + 1;
            if (mismatches >= 2)
            {
                Append(key, new ReportEvent(ReportEvents.RetractRequired, Now, s.Attempt) { Detail = "NCMEC's MD5 differed from the file sent, twice" });
            }
            return;
        }
        Append(key, new ReportEvent(ReportEvents.UploadOk, Now, s.Attempt) { FileIndex = file.Index, FileId = r.FileId, Md5 = md5, Exchange = exchange.Name });
    }

    private async Task<IReadOnlyList<string>> FileInfoAsync(string key, NcmecState s, ReportDraft draft, long reportId, DraftFile file, CancellationToken ct)
    {
        var schema = await _schema.GetAsync(ct).ConfigureAwait(false);
        var document = CyberTiplineXml.BuildFileDetails(draft, file, reportId, s.Files[file.Index].FileId!);
        var errors = schema.Validate(document);
        if (errors.Count > 0)
        {
            StopForValidation(key, s, $"fileDetails of file {file.Index + 1}", errors);
            return errors;
        }
        byte[] xml = CyberTiplineXml.ToBytes(document);
        var stored = _vault.Put(xml, EvidenceKind.SubmittedData, Actor);
        Append(key, new ReportEvent(ReportEvents.FileInfoSending, Now, s.Attempt) { ReportId = reportId, FileIndex = file.Index, ObjectId = stored.Id });
        var response = await CallAsync(key, s, "fileinfo", c => _client.FileInfoAsync(xml, c), schema.Sha256, ct).ConfigureAwait(false);
        if (response is null)
        {
            Append(key, new ReportEvent(ReportEvents.RetractRequired, Now, s.Attempt) { Detail = "fileinfo outcome unknown" });
            return [];
        }
        var (disposition, exchange) = response.Value;
        if (disposition == ResponseDisposition.Continue)
        {
            Append(key, new ReportEvent(ReportEvents.FileInfoOk, Now, s.Attempt) { FileIndex = file.Index, Exchange = exchange.Name });
        }
        else if (disposition == ResponseDisposition.Reupload)
        {
            Append(key, new ReportEvent(ReportEvents.FileMissing, Now, s.Attempt) { FileIndex = file.Index, Code = exchange.Response.ResponseCode, Exchange = exchange.Name });
        }
        else
        {
            HandleFailure(key, s, disposition, exchange);
        }
        return [];
    }

    private async Task FinishAsync(string key, NcmecState s, long reportId, CancellationToken ct)
    {
        Append(key, new ReportEvent(ReportEvents.FinishSending, Now, s.Attempt) { ReportId = reportId });
        var response = await CallAsync(key, s, "finish", c => _client.FinishAsync(reportId, c), null, ct).ConfigureAwait(false);
        if (response is null)
        {
            return; // recorded as outcome-unknown for "finish": the next pass calls /finish again
        }
        var (disposition, exchange) = response.Value;
        if (disposition is ResponseDisposition.Continue or ResponseDisposition.AlreadyFinished)
        {
            var fileIds = exchange.Response.FileIds.Count > 0 ? exchange.Response.FileIds : [.. s.Files.Values.Select(f => f.FileId!)];
            Append(key, new ReportEvent(ReportEvents.Finished, Now, s.Attempt)
            {
                ReportId = reportId,
                FileIds = fileIds,
                Exchange = exchange.Name,
                Code = exchange.Response.ResponseCode,
                Detail = disposition == ResponseDisposition.AlreadyFinished
                    ? "NCMEC answered 5102 (already finished) after an interrupted finish; the original done response was not received"
                    : null,
            });
            StartRetention(key, _store.Get(key));
            return;
        }
        HandleFailure(key, s, disposition, exchange);
    }

    /// <summary>Returns true once the open report is closed (retracted, or already gone).</summary>
    private async Task<bool> RetractOpenAsync(string key, NcmecState s, long reportId, CancellationToken ct)
    {
        if (s.ConsecutiveFailures > 0)
        {
            await BackoffAsync(s, ct).ConfigureAwait(false);
        }
        Append(key, new ReportEvent(ReportEvents.RetractSending, Now, s.Attempt) { ReportId = reportId, Detail = s.RetractReason });
        var response = await CallAsync(key, s, "retract", c => _client.RetractAsync(reportId, c), null, ct).ConfigureAwait(false);
        if (response is null)
        {
            return false;
        }
        var (disposition, exchange) = response.Value;
        switch (disposition)
        {
            case ResponseDisposition.Continue:
            case ResponseDisposition.AlreadyRetracted:
                Append(key, new ReportEvent(ReportEvents.Retracted, Now, s.Attempt) { ReportId = reportId, Exchange = exchange.Name, Detail = s.RetractReason });
                return true;
            case ResponseDisposition.Restart:
                Append(key, new ReportEvent(ReportEvents.Abandoned, Now, s.Attempt) { ReportId = reportId, Exchange = exchange.Name, Detail = "NCMEC no longer has the report (5001)" });
                return true;
            case ResponseDisposition.AlreadyFinished:
                // It was finished after all (an earlier finish got through): that is the filed report.
                Append(key, new ReportEvent(ReportEvents.Finished, Now, s.Attempt) { ReportId = reportId, Exchange = exchange.Name, Code = 5102, Detail = "retract answered 5102: the report had been finished" });
                StartRetention(key, _store.Get(key));
                return false;
            case ResponseDisposition.Retry:
                Append(key, new ReportEvent(ReportEvents.Failed, Now, s.Attempt) { Code = exchange.Response.ResponseCode, HttpStatus = exchange.Response.HttpStatus, Exchange = exchange.Name });
                return false;
            default:
                // Credentials or an unknown code: the report cannot be closed by us; it will expire unfinished.
                Append(key, new ReportEvent(ReportEvents.Abandoned, Now, s.Attempt) { ReportId = reportId, Exchange = exchange.Name, Code = exchange.Response.ResponseCode, Detail = "retract refused; left to expire unfinished at NCMEC" });
                Stop(key, s, $"retract refused with code {exchange.Response.ResponseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} (HTTP {exchange.Response.HttpStatus})");
                return false;
        }
    }

    private void StartNextAttempt(string key, NcmecState s, string why)
    {
        if (s.AttemptsInRun >= _options.MaxAttempts)
        {
            Stop(key, s, $"{s.AttemptsInRun} attempts used; last: {why}");
            return;
        }
        Append(key, new ReportEvent(ReportEvents.AttemptStarted, Now, s.Attempt + 1) { Detail = why });
    }

    private void HandleFailure(string key, NcmecState s, ResponseDisposition disposition, StoredExchange exchange)
    {
        var r = exchange.Response;
        string what = $"{r.Endpoint}: HTTP {r.HttpStatus}, code {r.ResponseCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} {r.Description}".Trim();
        switch (disposition)
        {
            case ResponseDisposition.Retry:
                Append(key, new ReportEvent(ReportEvents.Failed, Now, s.Attempt) { Code = r.ResponseCode, HttpStatus = r.HttpStatus, Exchange = exchange.Name, Detail = what });
                break;
            case ResponseDisposition.Restart:
                Append(key, new ReportEvent(ReportEvents.Abandoned, Now, s.Attempt) { ReportId = s.ReportId, Exchange = exchange.Name, Detail = what });
                StartNextAttempt(key, s, "NCMEC no longer has the report (5001)");
                break;
            case ResponseDisposition.AlreadyRetracted:
                Append(key, new ReportEvent(ReportEvents.Retracted, Now, s.Attempt) { ReportId = s.ReportId, Exchange = exchange.Name, Detail = what });
                Stop(key, s, "NCMEC says the report was already retracted: " + what);
                break;
            default:
                // Fix or Stop: a person must act. An open report is retracted first (the stopped state does that).
                Stop(key, s, (disposition == ResponseDisposition.Fix ? "NCMEC rejected the request (fix the draft): " : "stopped: ") + what);
                break;
        }
    }

    /// <summary>
    /// Makes one call and stores its raw response write-once. Returns null when the outcome is
    /// unknown (timeout, dropped connection), after journaling that.
    /// </summary>
    private async Task<(ResponseDisposition, StoredExchange)?> CallAsync(string key, NcmecState s, string step, Func<CancellationToken, Task<CyberTiplineResponse>> call, string? schemaSha256, CancellationToken ct)
    {
        CyberTiplineResponse response;
        try
        {
            response = await call(ct).ConfigureAwait(false);
        }
        catch (CyberTiplineTransportException)
        {
            // Detail names the step: the state machine keys on it (an unknown finish is re-called).
            Append(key, new ReportEvent(ReportEvents.OutcomeUnknown, Now, s.Attempt) { Detail = step });
            return null;
        }
        var record = new ExchangeRecord(response.Endpoint, _client.Environment.ToString(), Now, response.HttpStatus, response.ResponseCode,
            response.RequestId, response.Headers, Convert.ToHexStringLower(SHA256.HashData(response.RawBody)), schemaSha256);
        string name = _store.SaveExchange(key, step, response.RawBody, record);
        var disposition = response.IsSuccess ? ResponseDisposition.Continue : ResponseCodes.Classify(response);
        if (disposition == ResponseDisposition.Continue && !response.IsSuccess)
        {
            disposition = ResponseDisposition.Stop;
        }
        return (disposition, new StoredExchange(name, response));
    }

    private async Task BackoffAsync(NcmecState s, CancellationToken ct)
    {
        double factor = Math.Pow(2, Math.Max(0, s.ConsecutiveFailures - 1));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.BackoffCap.Ticks, _options.BackoffBase.Ticks * factor));
        if (s.Deadline is { } deadline)
        {
            // Never sleep past the point where the report must be finished or retracted.
            var room = deadline - _options.DeadlineMargin - Now;
            if (room < delay)
            {
                delay = room > TimeSpan.Zero ? room : TimeSpan.Zero;
            }
        }
        if (delay > TimeSpan.Zero)
        {
            await _delay(delay, ct).ConfigureAwait(false);
        }
    }

    private void Stop(string key, NcmecState s, string problem) =>
        Append(key, new ReportEvent(ReportEvents.Stopped, Now, s.Attempt) { Detail = problem });

    private void StopForValidation(string key, NcmecState s, string document, IReadOnlyList<string> errors)
    {
        // Validator messages can quote element values (personal data), so they go to the vault, not the journal.
        var stored = _vault.Put(Encoding.UTF8.GetBytes(string.Join('\n', errors)), EvidenceKind.SubmittedData, Actor);
        Append(key, new ReportEvent(ReportEvents.Stopped, Now, s.Attempt)
        {
            ObjectId = stored.Id,
            Detail = $"the {document} document failed schema validation ({errors.Count} error(s)); nothing was sent. Messages: vault object {stored.Id}",
        });
    }

    private void StartRetention(string key, ReportSummary summary)
    {
        var state = NcmecState.Replay(_store.ReadJournal(key));
        var from = state.FinishedAt ?? Now;
        var draft = LoadDraft(summary);
        foreach (var id in state.VaultObjects.Concat(draft.Files.Select(f => f.VaultObjectId)).Append(summary.DraftObjectId).Distinct(StringComparer.Ordinal))
        {
            _vault.StartRetention(id, from, Actor);
        }
    }

    private ReportDraft LoadDraft(ReportSummary summary) =>
        JsonSerializer.Deserialize<ReportDraft>(_vault.Read(summary.DraftObjectId, Actor, $"ncmec submission, report {summary.ReportKey}"), EvidenceJson.Options)
            ?? throw new ReportStoreException($"report {summary.ReportKey}: draft is empty");

    private void Append(string key, ReportEvent e) => _store.Append(key, e);

    private NcmecResult Result(string key, NcmecState s, IReadOnlyList<string> validationErrors) =>
        new(key, s.Status, s.FinishedReportId ?? s.ReportId, s.ReceiptExchange, s.Problem, validationErrors);

    private static string StepOf(string sendingType) => sendingType[..sendingType.IndexOf('.', StringComparison.Ordinal)];

    private readonly record struct StoredExchange(string Name, CyberTiplineResponse Response);
}
