// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Options;
using Safeguard.Hosting;
using Safeguard.Hosting.Checks;
using Safeguard.Security;

namespace Safeguard.Server.Api;

/// <summary><c>POST /v1/check/text</c>: does this text hold a listed URL or keyword? Needs the <c>check</c> scope.</summary>
internal static class TextCheckApi
{
    public static IEndpointRouteBuilder MapTextCheckApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/check/text", CheckTextAsync).WithTags("Checks").WithName("CheckText").RequireScope(ApiScopes.Check)
            .WithSummary("Check a post, message, profile or search text against every enabled url and keyword bank")
            .WithDescription("URLs are found however they are disguised (hxxp, [.], spaced letters, zero-width characters) and matched after " +
                "normalisation; keywords after Unicode, look-alike, leetspeak and spacing normalisation. Spans are UTF-16 indexes into the text sent. " +
                "The decision is the strictest action among the banks hit, or 'allow'. The text is stored only when a hit bank's action is " +
                "review or hold, for the reviewer, and is never logged.")
            .JsonBody<TextCheckRequest>()
            .Produces<TextCheckResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> CheckTextAsync(HttpContext http, TextCheckService checks, IOptions<SafeguardOptions> options, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        var caller = http.Caller();
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.TextCheckRequest, ct).ConfigureAwait(false);
        int maxLength = options.Value.Checks.MaxTextLength;
        if (request.Text?.Length > maxLength)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Payload Too Large",
                detail: $"text: at most {maxLength} characters (Checks:MaxTextLength)");
        }
        var errors = new Dictionary<string, string[]>();
        if (request.Text is null)
        {
            errors["text"] = ["required"];
        }
        if (!TextContexts.IsValid(request.Context))
        {
            errors["context"] = [$"required: one of {string.Join(", ", TextContexts.Names)}"];
        }
        CheckApi.CheckRefs(request.ContentRef, request.UserRef, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Fields(errors);
        }
        try
        {
            var outcome = await checks.CheckAsync(request.Text!, request.Context!, request.ContentRef, request.UserRef, caller.KeyId, start, ct).ConfigureAwait(false);
            bool details = caller.SeesEntryDetails(options.Value.Checks.RevealEntryDetailsToCheckScope);
            return TypedResults.Ok(new TextCheckResponse(outcome.Decision, [.. outcome.Hits.Select(h => h.ToResponse(details))], details ? outcome.CheckId : null));
        }
        catch (IndexNotReadyException)
        {
            return ApiProblems.NotReady();
        }
    }
}
