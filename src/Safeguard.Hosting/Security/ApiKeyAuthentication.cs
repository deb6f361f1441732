// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Security;

namespace Safeguard.Hosting.Security;

/// <summary>The caller of a request, from its authenticated API key.</summary>
/// <param name="KeyId">The key's id.</param>
/// <param name="Scopes">What it may do.</param>
/// <param name="RateLimitPerSecond">Its request rate.</param>
public sealed record ApiCaller(long KeyId, ApiScopes Scopes, int RateLimitPerSecond)
{
    /// <summary>Claim holding the key id.</summary>
    public const string KeyIdClaim = "safeguard:key";

    /// <summary>Claim holding the scopes' text form.</summary>
    public const string ScopesClaim = "safeguard:scopes";

    /// <summary>Claim holding the rate limit.</summary>
    public const string RateClaim = "safeguard:rate";

    /// <summary>How the key appears in audit entries and as <c>added_by</c>.</summary>
    public string Actor => string.Create(CultureInfo.InvariantCulture, $"key:{KeyId}");

    /// <summary>The caller of an authenticated principal, or null.</summary>
    public static ApiCaller? From(ClaimsPrincipal? user)
    {
        var id = user?.FindFirst(KeyIdClaim)?.Value;
        if (id is null || !long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long keyId))
        {
            return null;
        }
        ApiScopeNames.TryParse(user!.FindFirst(ScopesClaim)?.Value, out var scopes, out _);
        int.TryParse(user.FindFirst(RateClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int rate);
        return new ApiCaller(keyId, scopes, Math.Max(rate, 1));
    }
}

/// <summary>Endpoint metadata: the scope an endpoint needs (read when answering 403).</summary>
public sealed record RequiredScope(ApiScopes Scope);

/// <summary>Authorization requirement for one scope; <c>admin</c> satisfies every scope.</summary>
public sealed class ScopeRequirement(ApiScopes scope) : AuthorizationHandler<ScopeRequirement>, IAuthorizationRequirement
{
    /// <summary>The policy name for <paramref name="scope"/>.</summary>
    public static string PolicyName(ApiScopes scope) => "scope:" + ApiScopeNames.NameOf(scope);

    /// <summary>The scope required.</summary>
    public ApiScopes Scope => scope;

    /// <inheritdoc/>
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        if (ApiCaller.From(context.User) is { } caller && caller.Scopes.Allows(requirement.Scope))
        {
            context.Succeed(requirement);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> and answers 401 and 403 as problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyAuthenticator keys,
    IOptions<SafeguardOptions> options,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "ApiKey";

    private const string FailureItem = "safeguard:auth-failure";

    /// <inheritdoc/>
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Reject(KeyRejection.Malformed);
        }
        var key = await keys.FindAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            return Reject(KeyRejection.Unknown);
        }
        if (!key.IsActive)
        {
            return Reject(KeyRejection.Revoked);
        }
        int rate = key.RateLimitPerSecond ?? options.Value.Api.DefaultRateLimitPerSecond;
        var identity = new ClaimsIdentity(
        [
            new Claim(ApiCaller.KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ApiCaller.ScopesClaim, key.Scopes.ToText()),
            new Claim(ApiCaller.RateClaim, rate.ToString(CultureInfo.InvariantCulture)),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private AuthenticateResult Reject(KeyRejection reason)
    {
        Logger.ApiKeyRejected(reason);
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason.ToString());
    }

    /// <inheritdoc/>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        string detail = Context.Items.TryGetValue(FailureItem, out var reason) && reason is KeyRejection r
            ? r switch
            {
                KeyRejection.Malformed => "the Authorization header must be 'Bearer <API key>'",
                KeyRejection.Revoked => "this API key has been revoked",
                _ => "this API key is not known",
            }
            : "an API key is required: send 'Authorization: Bearer <API key>'";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    /// <inheritdoc/>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var scope = Context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope;
        string scopeName = scope is { } s ? ApiScopeNames.NameOf(s) : "required";
        if (ApiCaller.From(Context.User) is { } caller)
        {
            Logger.AccessDenied(caller.KeyId, scopeName);
        }
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", $"this API key lacks the '{scopeName}' scope");
    }

    private async Task WriteProblemAsync(int status, string title, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).ConfigureAwait(false);
}
