// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Safeguard.Hosting.Checks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Server.Api;

namespace Safeguard.Server;

/// <summary>
/// Turns exceptions into problem details. Bad input (a body too large, of the wrong type, or
/// unreadable) is a 4xx naming what was wrong; anything else is a 500 that is logged by type and
/// route only, because exception messages can quote the input.
/// </summary>
internal sealed class ApiExceptionHandler(IProblemDetailsService problems, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        string route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        (int status, string title, string detail, IDictionary<string, string[]>? errors) = exception switch
        {
            BadBodyException e => (400, "Bad Request", $"{e.Field}: {e.Problem}", new Dictionary<string, string[]> { [e.Field] = [e.Problem] }),
            PayloadTooLargeException e => (413, "Payload Too Large", $"the request body is larger than the limit of {e.Limit} bytes", null),
            UnsupportedMediaTypeException e => (415, "Unsupported Media Type", e.Message, null),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge => (413, "Payload Too Large", "the request body is larger than allowed", null),
            BadHttpRequestException e => (e.StatusCode, "Bad Request", "the request could not be read", null),
            IndexNotReadyException => (503, "Service Unavailable", "the bank index is still loading; retry shortly", null),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client Closed Request", "the client went away", null),
            _ => (500, "Internal Server Error", "the server failed; the error has been logged", null),
        };
        if (status == 500)
        {
            logger.UnhandledError(exception.GetType().Name, route);
        }
        else
        {
            logger.BadRequest(route, status);
        }
        if (httpContext.Response.HasStarted)
        {
            return true;
        }
        httpContext.Response.StatusCode = status;
        var details = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new ValidationProblemDetails(errors) { Status = status, Title = "One or more validation errors occurred.", Detail = detail };
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = details, Exception = exception }).ConfigureAwait(false);
        return true;
    }
}
