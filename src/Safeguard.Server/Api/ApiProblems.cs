// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Http.HttpResults;

namespace Safeguard.Server.Api;

/// <summary>The problem+json answers every endpoint shares.</summary>
internal static class ApiProblems
{
    /// <summary>400 naming the field at fault.</summary>
    public static ValidationProblem Field(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, detail: $"{field}: {message}");

    /// <summary>400 with several fields at fault.</summary>
    public static ValidationProblem Fields(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")));

    /// <summary>404 for a bank name that does not exist.</summary>
    public static ProblemHttpResult UnknownBank(string name) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"there is no bank named '{Printable(name)}'");

    /// <summary>404 for an entry id that is not in the bank.</summary>
    public static ProblemHttpResult UnknownEntry(long id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not Found", detail: $"the bank has no live entry {id}");

    /// <summary>409.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: detail);

    /// <summary>503 while the index loads.</summary>
    public static ProblemHttpResult NotReady() =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service Unavailable", detail: "the bank index is still loading; retry shortly");

    /// <summary>A bank name is operator-chosen, but a URL may hold anything: show at most 100 printable characters.</summary>
    public static string Printable(string text) =>
        new([.. text.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);
}

/// <summary>The request body is larger than allowed (413).</summary>
internal sealed class PayloadTooLargeException(long limit)
    : Exception($"the request body is larger than the limit of {limit} bytes")
{
    public long Limit => limit;
}

/// <summary>The request's Content-Type is not one the endpoint accepts (415).</summary>
internal sealed class UnsupportedMediaTypeException(string accepted)
    : Exception($"unsupported Content-Type; send {accepted}");

/// <summary>The body could not be read as what the endpoint expects (400), naming the field.</summary>
internal sealed class BadBodyException(string fieldName, string message) : Exception($"{fieldName}: {message}")
{
    public string Field => fieldName;

    public string Problem => message;
}
