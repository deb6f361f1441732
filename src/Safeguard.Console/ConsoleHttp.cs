// SPDX-License-Identifier: Apache-2.0
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.Cases;

namespace Safeguard.ReviewConsole;

/// <summary>The signed-in user of one console request, with what a page needs to render.</summary>
internal sealed record ConsoleUser(UserAccount Account, string CsrfToken, (int Count, int? Cap) Exposure)
{
    public Reviewer Reviewer => Reviewer.From(Account);

    public bool Has(ConsoleRoles role) => Account.Roles.HasFlag(role);
}

/// <summary>
/// Session, CSRF and role checks around every console handler. The console authenticates its own
/// cookie scheme explicitly instead of relying on the host's middleware order, so API-key
/// authentication of <c>/v1</c> and console sessions never mix.
/// </summary>
internal static class ConsoleHttp
{
    public const string Prefix = "/console";

    /// <summary>Runs <paramref name="handler"/> for a signed-in user who has one of <paramref name="roles"/> (any role when None).</summary>
    public static async Task<IResult> RunAsync(HttpContext http, ConsoleRoles roles, Func<ConsoleUser, Task<IResult>> handler)
    {
        SetSecurityHeaders(http.Response);
        var auth = await http.AuthenticateAsync(ConsoleOptions.Scheme).ConfigureAwait(false);
        var name = auth.Succeeded ? auth.Principal.Identity?.Name : null;
        var users = http.RequestServices.GetRequiredService<IUserStore>();
        var account = name is null ? null : await users.FindAsync(name, http.RequestAborted).ConfigureAwait(false);
        if (account is null || account.Disabled)
        {
            if (auth.Succeeded)
            {
                await http.SignOutAsync(ConsoleOptions.Scheme).ConfigureAwait(false);
            }
            return HttpMethods.IsGet(http.Request.Method) ? Results.Redirect(Prefix + "/login") : Page(http, 401, "Signed out", "<p>Your session has ended. <a href=\"/console/login\">Sign in again</a>.</p>", null);
        }
        http.User = auth.Principal!;
        var antiforgery = http.RequestServices.GetRequiredService<IAntiforgery>();
        if (!HttpMethods.IsGet(http.Request.Method) && !await IsValidCsrfAsync(http, antiforgery).ConfigureAwait(false))
        {
            return Page(http, 400, "Request refused", "<p>The form had expired or did not come from this console. Go back, reload the page and try again.</p>", null);
        }
        var cases = http.RequestServices.GetRequiredService<CaseService>();
        var user = new ConsoleUser(account, antiforgery.GetAndStoreTokens(http).RequestToken!, await cases.ExposureTodayAsync(Reviewer.From(account), http.RequestAborted).ConfigureAwait(false));
        if (roles != ConsoleRoles.None && (account.Roles & roles) == 0)
        {
            return Page(http, 403, "Not allowed", $"<p>This page needs one of these roles: {H(RoleNames.Format(roles))}.</p>", user);
        }
        return await handler(user).ConfigureAwait(false);
    }

    /// <summary>Validates the CSRF token of a request without a session (the sign-in form).</summary>
    public static async Task<bool> IsValidCsrfAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(http).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            ConsoleLog.AntiforgeryRejected(http.RequestServices.GetRequiredService<ILogger<ConsoleWorker>>());
            return false;
        }
    }

    public static void SetSecurityHeaders(HttpResponse response)
    {
        var h = response.Headers;
        // Everything is served by this server: no CDN, no inline script or style, no framing.
        h.ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), autoplay=()";
        h.CacheControl = "no-store";
    }

    /// <summary>HTML-encodes <paramref name="text"/>.</summary>
    public static string H(string? text) => text is null ? string.Empty : HtmlEncoder.Default.Encode(text);

    /// <summary>A hidden CSRF field for forms.</summary>
    public static string Csrf(ConsoleUser user) => $"<input type=\"hidden\" name=\"__csrf\" value=\"{H(user.CsrfToken)}\">";

    /// <summary>A full page in the console layout.</summary>
    public static IResult Page(HttpContext http, int status, string title, string body, ConsoleUser? user, string pageId = "page")
    {
        var html = new StringBuilder(4096);
        html.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(H(title)).Append(" · Safeguard</title>")
            .Append("<link rel=\"stylesheet\" href=\"/console/assets/console.css\"><script src=\"/console/assets/console.js\" defer></script>");
        if (user is not null)
        {
            html.Append("<meta name=\"csrf-token\" content=\"").Append(H(user.CsrfToken)).Append("\">");
        }
        html.Append("</head><body data-page=\"").Append(H(pageId)).Append("\"><a class=\"skip\" href=\"#main\">Skip to content</a>");
        html.Append("<header class=\"top\"><span class=\"brand\">Safeguard review</span>");
        if (user is not null)
        {
            html.Append("<nav aria-label=\"Console\"><a href=\"/console/queue\" accesskey=\"q\">Queue</a>");
            if (user.Has(ConsoleRoles.Curator))
            {
                html.Append("<a href=\"/console/banks\">Banks</a>");
            }
            if (user.Has(ConsoleRoles.Auditor))
            {
                html.Append("<a href=\"/console/audit\">Audit log</a>");
            }
            if (user.Has(ConsoleRoles.Auditor) || user.Has(ConsoleRoles.Admin))
            {
                html.Append("<a href=\"/console/transparency\">Transparency</a>");
            }
            if (user.Has(ConsoleRoles.Admin))
            {
                html.Append("<a href=\"/console/outbox\">Webhooks</a>");
            }
            if (RoleNames.CanReport(user.Account.Roles))
            {
                html.Append("<a href=\"/console/reports\">Reports</a>");
            }
            html.Append("<a href=\"/console/settings\">Settings</a></nav>");
            var (count, cap) = user.Exposure;
            html.Append("<span class=\"exposure\" id=\"exposure\" title=\"Image cases you were given today (UTC)\">Image cases today: <strong>")
                .Append(count).Append("</strong>").Append(cap is { } c ? $" of {c}" : string.Empty).Append("</span>");
            html.Append("<span class=\"who\">").Append(H(user.Account.Name)).Append(" (").Append(H(RoleNames.Format(user.Account.Roles))).Append(")</span>");
            html.Append("<form method=\"post\" action=\"/console/logout\" class=\"inline\">").Append(Csrf(user)).Append("<button type=\"submit\">Sign out</button></form>");
        }
        html.Append("</header><main id=\"main\" tabindex=\"-1\"><h1>").Append(H(title)).Append("</h1>").Append(body).Append("</main>");
        html.Append("<footer><button type=\"button\" id=\"show-shortcuts\" class=\"link\">Keyboard shortcuts (?)</button></footer>");
        html.Append("<dialog id=\"shortcuts\" aria-label=\"Keyboard shortcuts\"><h2>Keyboard shortcuts</h2><dl>")
            .Append("<dt>q</dt><dd>Queue</dd><dt>n</dt><dd>Claim the next case</dd><dt>j / k</dt><dd>Next / previous case in a list</dd>")
            .Append("<dt>a</dt><dd>Claim this case</dd><dt>v</dt><dd>Reveal or hide the image</dd><dt>g</dt><dd>Colour on or off (revealed image)</dd>")
            .Append("<dt>c / x / e</dt><dd>Choose confirm / clear / escalate and type the reason</dd><dt>Ctrl+Enter</dt><dd>Submit the decision</dd>")
            .Append("<dt>r</dt><dd>Release the case</dd><dt>Esc</dt><dd>Hide the image, leave a field, close this box</dd></dl>")
            .Append("<form method=\"dialog\"><button>Close</button></form></dialog>");
        html.Append("</body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static IResult SeeOther(string path) => Results.Redirect(path, permanent: false, preserveMethod: false);

    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static ClaimsPrincipal Principal(UserAccount user) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Name)], ConsoleOptions.Scheme));
}
