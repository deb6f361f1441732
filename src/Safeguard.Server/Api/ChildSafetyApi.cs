// SPDX-License-Identifier: Apache-2.0
using Safeguard.ChildSafety;
using Safeguard.ChildSafety.Behaviour;
using Safeguard.ChildSafety.Policy;
using Safeguard.Hosting.ChildSafety;
using Safeguard.Security;

namespace Safeguard.Server.Api;

/// <summary>
/// <c>POST /v1/child-safety/decide</c> and <c>POST /v1/events</c>. Need the <c>check</c> scope: the
/// platform calls them on its hot path, as it calls checks.
/// </summary>
internal static class ChildSafetyApi
{
    public static IEndpointRouteBuilder MapChildSafetyApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/child-safety/decide", DecideAsync).WithTags("Child safety").WithName("ChildSafetyDecide").RequireScope(ApiScopes.Check)
            .WithSummary("May the actor message, suggest, see the location of, add to a group, or view the profile of the target?")
            .WithDescription("Ofcom ICU F1 defaults for child accounts, tightened by the platform's policy. The answer names the rule that decided " +
                "(docs/child-safety.md). allow-with-warning means: allow, and show the child the supportive prompt (ICU F2).")
            .JsonBody<ChildSafetyRequest>()
            .Produces<ChildSafetyDecision>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        app.MapPost("/v1/events", EventsAsync).WithTags("Child safety").WithName("ChildSafetyEvents").RequireScope(ApiScopes.Check)
            .WithSummary("Send account events (one object or an array of up to 1000) for behaviour and conversation risk")
            .WithDescription("Events are checked first and all refused if one is bad. A conversation that reaches the review tier becomes a grooming " +
                "review case for child-safety reviewers; its id is returned with the event that raised it. State is held in this node's memory.")
            .JsonBody<List<ChildSafetyEvent>>()
            .Produces<ChildSafetyEventsResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    private static async Task<IResult> DecideAsync(HttpContext http, ChildSafetyService service, CancellationToken ct)
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ChildSafetyJsonContext.Default.ChildSafetyRequest, ct).ConfigureAwait(false);
        try
        {
            return TypedResults.Json(service.Decide(request), ChildSafetyJsonContext.Default.ChildSafetyDecision);
        }
        catch (ArgumentException e)
        {
            // The policy's messages start with the field they are about ("actor.id is required") and never quote input.
            string message = e.Message.Split(" (Parameter", 2)[0];
            string field = message.Split(' ', 2)[0];
            return ApiProblems.Field(field.All(c => char.IsAsciiLetter(c) || c == '.') ? field : "body", message);
        }
    }

    private static async Task<IResult> EventsAsync(HttpContext http, ChildSafetyService service, CancellationToken ct)
    {
        var json = await RequestBody.ReadJsonBytesAsync(http.Request, ct).ConfigureAwait(false);
        bool batch = json.Span.TrimStart(" \t\r\n"u8) is [(byte)'[', ..];
        IReadOnlyList<ChildSafetyEvent> events = batch
            ? RequestBody.Deserialize(json, ChildSafetyJsonContext.Default.ListChildSafetyEvent)
            : [RequestBody.Deserialize(json, ChildSafetyJsonContext.Default.ChildSafetyEvent)];
        if (events.Count == 0)
        {
            return ApiProblems.Field("body", "at least one event is required");
        }
        try
        {
            var outcomes = await service.IngestAsync(events, batch, http.Caller().KeyId, ct).ConfigureAwait(false);
            return TypedResults.Ok(new ChildSafetyEventsResponse(outcomes));
        }
        catch (ChildSafetyEventException e)
        {
            return ApiProblems.Field(e.Field, e.Problem);
        }
    }
}
