// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Evidence;
using Safeguard.Reporting;
using Safeguard.Security;

namespace Safeguard.Server.Api;

/// <summary>
/// Authority reports: <c>/v1/reports</c> (scope <c>report</c>) and the evidence vault's deletion
/// proposals, <c>/v1/evidence</c> (scope <c>admin</c>). Answers 404 when reporting is disabled.
/// </summary>
internal static class ReportsApi
{
    private const int MaxTextLength = 3000;

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/v1/reports").WithTags("Reports").RequireScope(ApiScopes.Report);
        reports.MapGet("", List).WithName("ListReports").WithSummary("Reports with their NCMEC status and NCA route")
            .Produces<ReportListResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapPost("", DraftAsync).WithName("DraftReport")
            .WithSummary("Draft one report from confirmed cases about one reported user")
            .WithDescription("Image cases become files (the original bytes preserved at check time); text and grooming cases become a text-only report with the conversation attached. " +
                "The user's details are those the platform sent with its checks, or fetched from the user-information webhook.")
            .JsonBody<DraftReportRequest>()
            .Produces<ReportListResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapGet("/{key}", Show).WithName("GetReport").WithSummary("A report: status, routing, receipt and journal")
            .Produces<ReportDetailResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapGet("/{key}/preview", PreviewAsync).WithName("PreviewReport")
            .WithSummary("The report XML as it would be submitted, validated against the CyberTipline schema (an audited read of the draft)")
            .Produces<ReportPreviewResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapGet("/{key}/nca-package", NcaPackage).WithName("PreviewNcaPackage")
            .WithSummary("The NCA Schedule 1 package the report produces now, as JSON or (format=html) the readable page (an audited read)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json").ProducesProblem(StatusCodes.Status404NotFound);
        reports.MapPost("/{key}/send", SendAsync).WithName("SendReport")
            .WithSummary("Send (or resume) the report: NCMEC and/or the NCA as routing decides")
            .Produces<SendReportResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{key}/retract", RetractAsync).WithName("RetractReport")
            .WithSummary("Withdraw a report that is not finished (retracted at NCMEC if open there)")
            .JsonBody<RetractReportRequest>()
            .Produces<SendReportResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        reports.MapPost("/{key}/nca-reference", RecordNcaReference).WithName("RecordNcaReference")
            .WithSummary("Record the reference the NCA portal returned (kept five years)")
            .JsonBody<NcaReferenceRequest>()
            .Produces<ReportDetailResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var evidence = app.MapGroup("/v1/evidence").WithTags("Reports").RequireScope(ApiScopes.Admin);
        evidence.MapGet("/expired", Expired).WithName("ListExpiredEvidence")
            .WithSummary("Evidence past retention without a hold: deletion proposals awaiting a person's approval")
            .Produces<EvidenceListResponse>();
        evidence.MapPost("/{id}/delete", ApproveDeletion).WithName("DeleteExpiredEvidence")
            .WithSummary("Approve the deletion of one expired object (the file is destroyed; a tombstone records who approved it)")
            .Produces<EvidenceObjectResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static IResult List(HttpContext http) => WithDesk(http, desk =>
        TypedResults.Ok(new ReportListResponse([.. desk.List().Select(ToResponse)])));

    private static IResult Show(string key, HttpContext http) => WithDesk(http, desk => TypedResults.Ok(Detail(desk, key)));

    private static Task<IResult> DraftAsync(HttpContext http, CancellationToken ct) => WithDeskAsync(http, async desk =>
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.DraftReportRequest, ct).ConfigureAwait(false);
        var errors = new Dictionary<string, string[]>();
        if (request.CaseIds is not { Count: > 0 and <= 100 })
        {
            errors["caseIds"] = ["required: 1-100 confirmed case ids about one user"];
        }
        var priority = ReportPriority.P3;
        if (request.Priority is not null && !Enum.TryParse(request.Priority, ignoreCase: true, out priority) || !Enum.IsDefined(priority))
        {
            errors["priority"] = ["one of P1, P2, P3"];
        }
        IncidentType? incident = null;
        if (request.IncidentType is not null)
        {
            incident = Enum.TryParse<IncidentType>(request.IncidentType, ignoreCase: true, out var t) && Enum.IsDefined(t) ? t : null;
            if (incident is null)
            {
                errors["incidentType"] = [$"one of {string.Join(", ", Enum.GetNames<IncidentType>())}"];
            }
        }
        if (request.EscalationReason?.Length > MaxTextLength || request.AdditionalInfo?.Length > MaxTextLength)
        {
            errors["escalationReason"] = [$"at most {MaxTextLength} characters"];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Fields(errors);
        }
        var uk = request.UkLink;
        var options = new CaseDraftOptions
        {
            Priority = priority,
            EscalationReason = request.EscalationReason,
            IncidentType = incident,
            UkLink = new UkLinkEvidence(uk?.ContentPublishedInUk ?? false, uk?.SuspectUkNational ?? false, uk?.SuspectInUk ?? false, uk?.VictimInUk ?? false),
            AdditionalInfo = request.AdditionalInfo,
        };
        try
        {
            var drafted = await desk.DraftFromCasesAsync(request.CaseIds!, options, http.Caller().Actor, ct).ConfigureAwait(false);
            return TypedResults.Json(new ReportListResponse([.. drafted.Select(s => ToResponse(desk.Show(s.ReportKey)))]), ApiJsonContext.Default.ReportListResponse, statusCode: StatusCodes.Status201Created);
        }
        catch (CaseReportException e)
        {
            return e.Message.Contains("already in report", StringComparison.Ordinal) ? ApiProblems.Conflict(e.Message) : ApiProblems.Field("caseIds", e.Message);
        }
        catch (ReportDraftException e)
        {
            return ApiProblems.Field("caseIds", e.Message);
        }
    });

    private static Task<IResult> PreviewAsync(string key, HttpContext http, CancellationToken ct) => WithDeskAsync(http, async desk =>
    {
        var preview = await desk.PreviewAsync(key, http.Caller().Actor, ct).ConfigureAwait(false);
        return TypedResults.Ok(new ReportPreviewResponse(preview.Xml, preview.Validated, preview.Errors, preview.Note));
    });

    private static IResult NcaPackage(string key, HttpContext http, string? format = null) => WithDesk(http, desk =>
    {
        if (format is not (null or "json" or "html"))
        {
            return ApiProblems.Field("format", "json or html");
        }
        var package = desk.PreviewNcaPackage(key, http.Caller().Actor);
        return format == "html"
            ? Results.Content(NcaPackages.ToHtml(package), "text/html; charset=utf-8", Encoding.UTF8)
            : Results.Bytes(NcaPackages.ToJson(package), "application/json");
    });

    private static Task<IResult> SendAsync(string key, HttpContext http, CancellationToken ct) => WithDeskAsync(http, async desk =>
    {
        try
        {
            var outcome = await desk.SendAsync(key, http.Caller().Actor, ct).ConfigureAwait(false);
            var n = outcome.Ncmec;
            return TypedResults.Ok(new SendReportResponse(key, n?.Status.ToString(), n?.ReportId, n?.Problem, n?.ValidationErrors ?? [], outcome.Nca.Nca.ToString(), outcome.NcaResult?.Detail));
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    });

    private static Task<IResult> RetractAsync(string key, HttpContext http, CancellationToken ct) => WithDeskAsync(http, async desk =>
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.RetractReportRequest, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 2000)
        {
            return ApiProblems.Field("reason", "required: 1-2000 characters saying why the report is withdrawn");
        }
        try
        {
            var result = await desk.RetractAsync(key, http.Caller().Actor, request.Reason, ct).ConfigureAwait(false);
            return TypedResults.Ok(new SendReportResponse(key, result.Status.ToString(), result.ReportId, result.Problem, result.ValidationErrors, desk.Engine.DecideNca(key).Nca.ToString(), null));
        }
        catch (InvalidOperationException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    });

    private static Task<IResult> RecordNcaReference(string key, HttpContext http, CancellationToken ct) => WithDeskAsync(http, async desk =>
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.NcaReferenceRequest, ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(request.Reference) || request.Reference.Length > 200 || request.Reference.Any(char.IsControl))
        {
            return ApiProblems.Field("reference", "required: 1-200 printable characters");
        }
        desk.Engine.RecordNcaReference(key, request.Reference, request.IssuedAt ?? DateTimeOffset.UtcNow, http.Caller().Actor);
        return TypedResults.Ok(Detail(desk, key));
    });

    private static IResult Expired(HttpContext http) => WithDesk(http, desk =>
        TypedResults.Ok(new EvidenceListResponse([.. desk.ExpiryProposals().Select(ToResponse)])));

    private static IResult ApproveDeletion(string id, HttpContext http) => WithDesk(http, desk =>
    {
        try
        {
            return TypedResults.Ok(ToResponse(desk.ApproveDeletion(id, http.Caller().Actor)));
        }
        catch (EvidenceVaultException e) when (e is not EvidenceTamperedException)
        {
            return ApiProblems.Conflict(e.Message);
        }
    });

    /// <summary>Runs <paramref name="action"/> with the desk, mapping "no such report" to 404 and a disabled feature to 404.</summary>
    private static IResult WithDesk(HttpContext http, Func<ReportDesk, IResult> action) =>
        WithDeskAsync(http, desk => Task.FromResult(action(desk))).GetAwaiter().GetResult();

    private static async Task<IResult> WithDeskAsync(HttpContext http, Func<ReportDesk, Task<IResult>> action)
    {
        if (http.RequestServices.GetService<ReportDesk>() is not { } desk)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: "reporting is disabled on this server (Safeguard:Reporting:Enabled)");
        }
        try
        {
            return await action(desk).ConfigureAwait(false);
        }
        catch (ReportStoreException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: e.Message);
        }
    }

    private static ReportDetailResponse Detail(ReportDesk desk, string key)
    {
        var overview = desk.Show(key);
        var state = NcmecState.Replay(overview.Journal);
        ReportReceiptResponse? receipt = null;
        if (state.ReceiptExchange is { } exchange && state.FinishedReportId is { } id)
        {
            receipt = new ReportReceiptResponse(id, state.FinishedFileIds, exchange, Encoding.UTF8.GetString(desk.Engine.Store.ReadExchange(key, exchange)));
        }
        var r = overview.NcaRouting;
        return new ReportDetailResponse(ToResponse(overview), new ReportRoutingResponse(r.SendToNcmec, r.Nca.ToString(), r.CallEmergencyServicesNow, r.Reasons), receipt,
            state.ReportId is not null ? state.Deadline : null,
            [.. overview.Journal.Select(e => new ReportEventResponse(e.At, e.Type, e.Attempt, e.ReportId, e.Code, e.Detail, e.Actor))]);
    }

    private static ReportSummaryResponse ToResponse(ReportOverview o) => new(
        o.Summary.ReportKey, o.Summary.CaseId, o.Summary.CreatedAt, o.Summary.IncidentType.ToString(), o.Summary.Priority.ToString(), o.Summary.FileCount, o.Summary.TextOnly,
        o.Summary.SendToNcmec, o.NcmecStatus.ToString(), o.NcmecReportId, o.Problem, o.NcaRouting.Nca.ToString(), o.NcaPackageSent, o.NcaReference);

    private static EvidenceObjectResponse ToResponse(EvidenceObjectInfo o) =>
        new(o.Id, o.Kind.ToString(), o.CreatedAt, o.Length, o.RetainUntil, o.Holds.Count, o.IsDeleted);
}
