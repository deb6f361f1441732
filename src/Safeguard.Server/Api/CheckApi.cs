// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Hosting;
using Safeguard.Hosting.Checks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Imaging;
using Safeguard.Security;

namespace Safeguard.Server.Api;

/// <summary><c>POST /v1/check</c>: is this known? Needs the <c>check</c> scope.</summary>
internal static class CheckApi
{
    private const int MaxRefLength = 256;
    private const string ContentRefHeader = "Safeguard-Content-Ref";
    private const string UserRefHeader = "Safeguard-User-Ref";
    private static readonly string[] ImageTypes = ["image/*", "application/octet-stream"];

    public static IEndpointRouteBuilder MapCheckApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/check", CheckAsync).WithTags("Checks").WithName("Check").RequireScope(ApiScopes.Check)
            .WithSummary("Check an image (multipart field 'file', or raw image bytes) or hashes (JSON) against every enabled bank")
            .WithDescription("The decision is the strictest action (block > hold > review > report) among matching banks, or 'allow'. " +
                "With a raw body, the caller's references travel in the Safeguard-Content-Ref and Safeguard-User-Ref headers; " +
                "with multipart, in the contentRef and userRef fields.")
            .UploadBody(typeof(CheckRequest), "image/jpeg", "image/png", "image/webp", "application/octet-stream")
            .Produces<CheckResponse>().ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> CheckAsync(HttpContext http, CheckService checks, IOptions<SafeguardOptions> options, ILogger<ApiLog> logger, CancellationToken ct)
    {
        long start = Stopwatch.GetTimestamp();
        var caller = http.Caller();
        CheckHashes hashes;
        CheckInput input;
        string? contentRef, userRef;
        CheckUserRequest? user;
        CheckUploadRequest? upload;
        byte[]? buffer = null;
        int length = 0;
        try
        {
            if (RequestBody.IsJson(http.Request))
            {
                var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.CheckRequest, ct).ConfigureAwait(false);
                var errors = new Dictionary<string, string[]>();
                hashes = ParseHashes(request.Hashes, errors);
                (contentRef, userRef, user, upload) = (request.ContentRef, request.UserRef, request.User, request.Upload);
                CheckRefs(contentRef, userRef, errors);
                CheckEvidence.Validate(user, upload, userRef, errors);
                if (errors.Count > 0)
                {
                    return ApiProblems.Fields(errors);
                }
                input = CheckInput.Hashes;
            }
            else
            {
                Dictionary<string, string> fields;
                using (var body = new MemoryStream())
                {
                    try
                    {
                        fields = await RequestBody.ReadUploadAsync(http.Request, "file", ImageTypes, body, options.Value.Checks.MaxUploadBytes, ct).ConfigureAwait(false);
                    }
                    catch
                    {
                        CryptographicClear(body);
                        throw;
                    }
                    buffer = body.GetBuffer();
                    length = (int)body.Length;
                }
                contentRef = fields.GetValueOrDefault("contentRef") ?? http.Request.Headers[ContentRefHeader].FirstOrDefault();
                userRef = fields.GetValueOrDefault("userRef") ?? http.Request.Headers[UserRefHeader].FirstOrDefault();
                var errors = new Dictionary<string, string[]>();
                CheckRefs(contentRef, userRef, errors);
                user = CheckEvidence.ParseField(fields, "user", ApiJsonContext.Default.CheckUserRequest, errors);
                upload = CheckEvidence.ParseField(fields, "upload", ApiJsonContext.Default.CheckUploadRequest, errors);
                CheckEvidence.Validate(user, upload, userRef, errors);
                if (errors.Count > 0)
                {
                    return ApiProblems.Fields(errors);
                }
                try
                {
                    hashes = checks.HashImage(buffer.AsSpan(0, length));
                }
                catch (ImageRejectedException e)
                {
                    logger.ImageRejected(caller.KeyId, e.Reason);
                    return e.Reason == ImageRejectReason.UnsupportedFormat
                        ? TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Media Type",
                            detail: "file: not an image format Safeguard decodes (JPEG, PNG, GIF, WebP, BMP, TIFF)")
                        : ApiProblems.Field("file", ImageProblem(e.Reason));
                }
                input = CheckInput.Image;
            }
            try
            {
                // The upload goes along only so that a check opening a review case can keep a reduced-size thumbnail.
                var image = buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);
                var outcome = await checks.CheckAsync(hashes, input, contentRef, userRef, caller.KeyId, start, image, ct).ConfigureAwait(false);
                // A matched upload's original bytes and the user's details are kept (encrypted) for an authority report.
                CheckEvidence.Preserve(http, outcome, contentRef, userRef, image.Span, user, upload);
                bool details = caller.SeesEntryDetails(options.Value.Checks.RevealEntryDetailsToCheckScope);
                return TypedResults.Ok(new CheckResponse(outcome.Decision, outcome.Hashes.ToResponse(),
                    [.. outcome.Matches.Select(m => m.ToResponse(details))], details ? outcome.CheckId : null));
            }
            catch (IndexNotReadyException)
            {
                return ApiProblems.NotReady();
            }
        }
        finally
        {
            // The upload is content: do not leave it in memory longer than needed.
            if (buffer is not null)
            {
                Array.Clear(buffer);
            }
        }
    }

    private static void CryptographicClear(MemoryStream stream) => Array.Clear(stream.GetBuffer());

    private static string ImageProblem(ImageRejectReason reason) => reason switch
    {
        ImageRejectReason.Empty => "the upload is empty",
        ImageRejectReason.Truncated => "the image is cut short",
        ImageRejectReason.TooManyPixels => "the image has more pixels than allowed",
        _ => "the image is damaged or not what its header says",
    };

    private static CheckHashes ParseHashes(CheckHashesRequest? request, Dictionary<string, string[]> errors)
    {
        if (request is null || (request.Pdq is null && request.Md5 is null && request.Sha1 is null && request.Sha256 is null))
        {
            errors["hashes"] = ["required: at least one of pdq, md5, sha1, sha256"];
            return new CheckHashes(null, null, null, null, null);
        }
        string? One(HashKind kind, string? value)
        {
            if (value is null)
            {
                return null;
            }
            if (HashKinds.TryNormalize(kind, value, out var normalized, out var error))
            {
                return normalized;
            }
            errors["hashes." + kind.ToText()] = [error];
            return null;
        }
        return new CheckHashes(One(HashKind.Pdq, request.Pdq), null, One(HashKind.Md5, request.Md5), One(HashKind.Sha1, request.Sha1), One(HashKind.Sha256, request.Sha256));
    }

    internal static void CheckRefs(string? contentRef, string? userRef, Dictionary<string, string[]> errors)
    {
        if (contentRef?.Length > MaxRefLength || contentRef?.Any(char.IsControl) == true)
        {
            errors["contentRef"] = [$"at most {MaxRefLength} printable characters"];
        }
        if (userRef?.Length > MaxRefLength || userRef?.Any(char.IsControl) == true)
        {
            errors["userRef"] = [$"at most {MaxRefLength} printable characters"];
        }
    }
}
