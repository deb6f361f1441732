// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.ReviewConsole;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the review console under <c>/console</c>.</summary>
public static class ConsoleEndpoints
{
    /// <summary>Maps every console page, form and asset.</summary>
    public static IEndpointRouteBuilder MapSafeguardConsole(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The console authenticates its own session cookie in every handler (ConsoleHttp.RunAsync), so a
        // host whose fallback policy demands an API key must not apply it here.
        var group = app.MapGroup(Prefix).ExcludeFromDescription().AllowAnonymous();
        group.AddEndpointFilter(async (context, next) =>
            RequireSecureTransport(context.HttpContext) ? await next(context).ConfigureAwait(false) : InsecureTransport(context.HttpContext));
        group.MapGet("/", () => Results.Redirect(Prefix + "/queue"));
        group.MapGet("/assets/{name}", Asset);
        group.MapGet("/login", LoginForm);
        group.MapPost("/login", LoginSubmit);
        group.MapPost("/logout", Logout);
        group.MapGet("/settings", (HttpContext http, IUserStore users) => RunAsync(http, ConsoleRoles.None, user => Task.FromResult(Settings(http, user, null))));
        group.MapPost("/settings", SettingsSubmit);
        CasePages.Map(group);
        BankPages.Map(group);
        AuditPages.Map(group);
        ReportPages.Map(group);
        TransparencyPages.Map(group);
        return app;
    }

    /// <summary>
    /// Session and CSRF cookies are Secure, so the console is served over HTTPS (directly, or behind a
    /// TLS proxy whose X-Forwarded-Proto the host honours). A loopback connection counts as secure,
    /// as browsers count http://localhost: traffic never leaves the machine.
    /// </summary>
    private static bool RequireSecureTransport(HttpContext http)
    {
        if (http.Request.IsHttps)
        {
            return true;
        }
        var remote = http.Connection.RemoteIpAddress;
        if (remote is not null && System.Net.IPAddress.IsLoopback(remote))
        {
            http.Request.Scheme = "https";
            return true;
        }
        return false;
    }

    private static IResult InsecureTransport(HttpContext http)
    {
        SetSecurityHeaders(http.Response);
        return Page(http, 403, "HTTPS required", "<p>The review console is served only over HTTPS (or to this machine itself). Ask your operator for the https:// address.</p>", null, "https");
    }

    private static readonly Dictionary<string, string> AssetTypes = new(StringComparer.Ordinal)
    {
        ["console.css"] = "text/css; charset=utf-8",
        ["console.js"] = "text/javascript; charset=utf-8",
    };

    private static IResult Asset(string name, HttpContext http)
    {
        if (!AssetTypes.TryGetValue(name, out var type))
        {
            return Results.NotFound();
        }
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name);
        if (stream is null)
        {
            return Results.NotFound();
        }
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Bytes(buffer.ToArray(), type);
    }

    private static IResult LoginForm(HttpContext http, IAntiforgery antiforgery) => LoginPage(http, antiforgery, 200, null);

    private static IResult LoginPage(HttpContext http, IAntiforgery antiforgery, int status, string? error)
    {
        SetSecurityHeaders(http.Response);
        http.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
        var token = antiforgery.GetAndStoreTokens(http).RequestToken!;
        var body = (error is null ? string.Empty : $"<p class=\"error\" role=\"alert\">{H(error)}</p>")
            + "<form method=\"post\" action=\"/console/login\" class=\"stack narrow\">"
            + $"<input type=\"hidden\" name=\"__csrf\" value=\"{H(token)}\">"
            + "<label for=\"name\">Name</label><input id=\"name\" name=\"name\" autocomplete=\"username\" required autofocus maxlength=\"64\">"
            + "<label for=\"password\">Password</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required maxlength=\"1024\">"
            + "<button type=\"submit\" id=\"sign-in\">Sign in</button></form>";
        return Page(http, status, "Sign in", body, null, "login");
    }

    private static async Task<IResult> LoginSubmit(HttpContext http, IAntiforgery antiforgery, SignInService signIn, ILogger<ConsoleWorker> logger)
    {
        SetSecurityHeaders(http.Response);
        if (!await IsValidCsrfAsync(http, antiforgery).ConfigureAwait(false))
        {
            return LoginPage(http, antiforgery, 400, "The sign-in form had expired. Try again.");
        }
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        var name = form["name"].ToString().Trim().ToLowerInvariant();
        var (result, user) = await signIn.SignInAsync(name, form["password"].ToString(), http.RequestAborted).ConfigureAwait(false);
        ConsoleLog.SignIn(logger, result);
        if (result != SignInResult.Success)
        {
            // One message for every failure, so the form does not reveal which names exist.
            return LoginPage(http, antiforgery, 401, "Sign-in failed. Check the name and password; after repeated failures the account is locked for a while.");
        }
        await http.SignInAsync(ConsoleOptions.Scheme, Principal(user!)).ConfigureAwait(false);
        return Results.Redirect(Prefix + "/queue");
    }

    private static Task<IResult> Logout(HttpContext http, IAntiforgery antiforgery) => RunAsync(http, ConsoleRoles.None, async _ =>
    {
        await http.SignOutAsync(ConsoleOptions.Scheme).ConfigureAwait(false);
        return Results.Redirect(Prefix + "/login");
    });

    private static IResult Settings(HttpContext http, ConsoleUser user, string? message)
    {
        var options = string.Concat(Enumerable.Range(1, 5).Select(level =>
            $"<option value=\"{level}\"{(level == user.Account.BlurStrength ? " selected" : string.Empty)}>{level}{(level == 1 ? " (lightest)" : level == 5 ? " (strongest)" : string.Empty)}</option>"));
        var body = (message is null ? string.Empty : $"<p class=\"notice\" role=\"status\">{H(message)}</p>")
            + "<form method=\"post\" action=\"/console/settings\" class=\"stack narrow\">" + Csrf(user)
            + "<label for=\"blur\">Blur strength for images</label>"
            + $"<select id=\"blur\" name=\"blur\">{options}</select>"
            + "<p class=\"hint\">Images are always blurred and grey until you reveal them, and blurred again when you leave the page.</p>"
            + "<button type=\"submit\">Save</button></form>";
        return Page(http, 200, "Settings", body, user, "settings");
    }

    private static Task<IResult> SettingsSubmit(HttpContext http, IUserStore users) => RunAsync(http, ConsoleRoles.None, async user =>
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
        if (!int.TryParse(form["blur"], NumberStyles.None, CultureInfo.InvariantCulture, out var blur) || blur is < 1 or > 5)
        {
            return Settings(http, user, "Blur strength must be 1 to 5.");
        }
        var updated = user.Account with { BlurStrength = blur };
        await users.UpdateAsync(updated, http.RequestAborted).ConfigureAwait(false);
        return Settings(http, user with { Account = updated }, "Saved.");
    });
}
