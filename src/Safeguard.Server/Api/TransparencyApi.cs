// SPDX-License-Identifier: Apache-2.0
using Safeguard.Hosting.Transparency;
using Safeguard.Records;
using Safeguard.Security;
using Safeguard.Storage;
using Safeguard.Transparency;

namespace Safeguard.Server.Api;

/// <summary>
/// Transparency reports, regulator bundles and their verification (scope <c>audit</c>, or admin),
/// computed from the server's record log; and appeals (scope <c>review</c>), recorded into it.
/// </summary>
internal static class TransparencyApi
{
    private static readonly string[] BundleTypes = ["application/json"];

    public static IEndpointRouteBuilder MapTransparencyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/transparency", ReportAsync).WithTags("Transparency").WithName("TransparencyReport").RequireScope(ApiScopes.Audit)
            .WithSummary("Transparency figures for [from, to) computed from the record log, as JSON, CSV or an HTML page with SVG charts (needs the audit scope)")
            .WithDescription("from and to are dates (2025-04-01, UTC midnight) or times with a zone; to is excluded. variant=public shows counts below " +
                "smallCountThreshold (default 10) as '<10' and withholds rates over few cases; variant=regulator is exact. " +
                "409 when the record log's hash chain does not verify (the detail names the record).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: ["text/csv", "text/html"])
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        app.MapGet("/v1/transparency/bundle", BundleAsync).WithTags("Transparency").WithName("RegulatorBundle").RequireScope(ApiScopes.Audit)
            .WithSummary("The regulator bundle for [from, to): exact figures, the chain head and checkpoints (docs/regulator-bundle.schema.json)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        app.MapPost("/v1/transparency/verify", VerifyAsync).WithTags("Transparency").WithName("VerifyRegulatorBundle").RequireScope(ApiScopes.Audit)
            .WithSummary("Check a regulator bundle against the record log: names an edited or deleted record, or the first figure that differs")
            .UploadBody(null, "application/json")
            .Produces<BundleVerifyResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .DisableAntiforgery();
        app.MapPost("/v1/appeals", AppealAsync).WithTags("Transparency").WithName("RecordAppeal").RequireScope(ApiScopes.Review)
            .WithSummary("Record that an appeal was lodged, upheld (the decision stands) or reversed (overturned; the item is recorded as reinstated)")
            .JsonBody<AppealRequest>()
            .Produces<AppealResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ReportAsync(IRecordLog log, CancellationToken ct,
        string? from = null, string? to = null, string? format = null, string? variant = null, int? smallCountThreshold = null)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = TransparencyRequest.TryParse(from, to, format, variant, smallCountThreshold?.ToString(System.Globalization.CultureInfo.InvariantCulture), errors);
        if (request is null)
        {
            return Invalid(errors);
        }
        var (report, _, broken) = await ComputeAsync(log, request.Period, request.Options, ct).ConfigureAwait(false);
        if (report is null)
        {
            return broken!;
        }
        return TypedResults.Bytes(TransparencyRequest.Render(report, request.Format, request.Variant), TransparencyRequest.ContentType(request.Format),
            request.Format == ReportFormat.Html ? null : request.FileName);
    }

    private static async Task<IResult> BundleAsync(IRecordLog log, TimeProvider time, CancellationToken ct, string? from = null, string? to = null, int? smallCountThreshold = null)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var request = TransparencyRequest.TryParse(from, to, null, null, smallCountThreshold?.ToString(System.Globalization.CultureInfo.InvariantCulture), errors);
        if (request is null)
        {
            return Invalid(errors);
        }
        var (report, entries, broken) = await ComputeAsync(log, request.Period, request.Options, ct).ConfigureAwait(false);
        if (report is null)
        {
            return broken!;
        }
        using var buffer = new MemoryStream();
        RegulatorBundle.Write(buffer, report, entries!, time.GetUtcNow());
        return TypedResults.Bytes(buffer.ToArray(), "application/json", $"regulator-bundle-{request.Period.From.UtcDateTime:yyyy-MM-dd}-{request.Period.To.UtcDateTime:yyyy-MM-dd}.json");
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, IRecordLog log, CancellationToken ct)
    {
        RegulatorBundle.Contents bundle;
        using (var buffer = new MemoryStream())
        {
            await RequestBody.ReadUploadAsync(http.Request, "bundle", BundleTypes, buffer, RegulatorBundle.MaxBundleBytes, ct).ConfigureAwait(false);
            buffer.Position = 0;
            try
            {
                bundle = RegulatorBundle.Read(buffer);
            }
            catch (BundleFormatException e)
            {
                return ApiProblems.Field("bundle", e.Message);
            }
        }
        var entries = await log.ReadAllAsync(bundle.Head.Sequence, ct).ConfigureAwait(false);
        var result = RegulatorBundle.Verify(bundle, entries);
        return TypedResults.Ok(new BundleVerifyResponse(result.Verified, result.Message, result.RecordSequence, result.RecordRangeStart, result.FigureId));
    }

    private static async Task<IResult> AppealAsync(HttpContext http, ITransparencyRecorder recorder, ISafeguardStore store, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.AppealRequest, ct).ConfigureAwait(false);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        AppealStage? stage = body.Stage switch
        {
            "lodged" => AppealStage.Lodged,
            "upheld" => AppealStage.Upheld,
            "reversed" => AppealStage.Reversed,
            _ => null,
        };
        if (stage is null)
        {
            errors["stage"] = "must be lodged, upheld (the decision stands) or reversed (overturned)";
        }
        if (string.IsNullOrWhiteSpace(body.AppealId))
        {
            errors["appealId"] = "is required";
        }
        if (body.ItemId is not null && body.CheckId is not null)
        {
            errors["itemId"] = "give itemId or checkId, not both";
        }
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        string? item = body.ItemId;
        if (body.CheckId is long checkId)
        {
            var check = (await store.ListRecordedChecksAsync(checkId - 1, 1, ct).ConfigureAwait(false)).FirstOrDefault();
            if (check is null || check.Id != checkId)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"there is no recorded check {checkId}");
            }
            item = TransparencyIds.Item(check.ContentRef, check.Id);
        }
        try
        {
            var entry = await recorder.RecordAppealAsync(body.AppealId!, stage!.Value, body.AboutProactiveTech ?? false, item, body.ActionId, body.Detector,
                body.OccurredAt ?? time.GetUtcNow(), ct).ConfigureAwait(false);
            return TypedResults.Created((string?)null, new AppealResponse(entry.Sequence, item));
        }
        catch (RecordFormatException e)
        {
            return ApiProblems.Field("body", e.Message);
        }
    }

    /// <summary>Reads the whole log and computes the report; a broken chain becomes a 409 naming the record.</summary>
    private static async Task<(TransparencyReport? Report, List<ChainEntry>? Entries, IResult? Broken)> ComputeAsync(IRecordLog log, ReportPeriod period, TransparencyOptions options, CancellationToken ct)
    {
        var entries = await log.ReadAllAsync(long.MaxValue, ct).ConfigureAwait(false);
        try
        {
            return (TransparencyEngine.Compute(entries, period, options), entries, null);
        }
        catch (ChainIntegrityException e)
        {
            return (null, null, ApiProblems.Conflict($"the record log does not verify: {e.Message}; no figures computed"));
        }
    }

    private static IResult Invalid(Dictionary<string, string> errors) =>
        ApiProblems.Fields(errors.ToDictionary(e => e.Key, e => new[] { e.Value }, StringComparer.Ordinal));
}
