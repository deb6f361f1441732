// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Accounts;
using Safeguard.Evidence;
using Safeguard.Reporting;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Safeguard.ReviewConsole;

/// <summary>
/// Authority reports (role <c>reporter</c> or <c>admin</c>): draft from confirmed cases, check the
/// XML against the schema, send to NCMEC and/or the NCA as routing decides, retract, follow status
/// and receipts; and the evidence vault's retention proposals (deletion approved by an admin).
/// </summary>
internal static class ReportPages
{
    private const ConsoleRoles Reporters = ConsoleRoles.Reporter | ConsoleRoles.Admin;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/reports", (HttpContext http, CancellationToken ct) => WithDesk(http, (user, desk) => Task.FromResult(ListPage(http, user, desk, 200, null))));
        group.MapPost("/reports/draft", (HttpContext http, CancellationToken ct) => WithDesk(http, async (user, desk) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var ids = new List<long>();
            foreach (var part in form["cases"].ToString().Split([',', ' '], StringSplitOptions.RemoveEmptyEntries))
            {
                if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    return ListPage(http, user, desk, 400, $"'{part}' is not a case id; give case numbers separated by commas");
                }
                ids.Add(id);
            }
            if (!Enum.TryParse<ReportPriority>(form["priority"].ToString(), out var priority) || !Enum.IsDefined(priority))
            {
                return ListPage(http, user, desk, 400, "choose a priority: P1, P2 or P3");
            }
            var options = new CaseDraftOptions
            {
                Priority = priority,
                EscalationReason = NullIfBlank(form["escalation"].ToString()),
                UkLink = new UkLinkEvidence(form["uk-published"] == "on", form["uk-national"] == "on", form["uk-suspect"] == "on", form["uk-victim"] == "on"),
            };
            try
            {
                var drafted = await desk.DraftFromCasesAsync(ids, options, user.Account.Name, http.RequestAborted).ConfigureAwait(false);
                return SeeOther($"{Prefix}/reports/{drafted[0].ReportKey}");
            }
            catch (Exception e) when (e is CaseReportException or ReportDraftException)
            {
                return ListPage(http, user, desk, 400, e.Message);
            }
        }));
        group.MapGet("/reports/{key}", (string key, HttpContext http) => WithDesk(http, (user, desk) => Task.FromResult(ReportPage(http, user, desk, key, 200, null, null))));
        group.MapGet("/reports/{key}/preview", (string key, HttpContext http) => WithDesk(http, async (user, desk) =>
        {
            var preview = await desk.PreviewAsync(key, user.Account.Name, http.RequestAborted).ConfigureAwait(false);
            return ReportPage(http, user, desk, key, 200, null, preview);
        }));
        group.MapGet("/reports/{key}/nca-package", (string key, HttpContext http) => WithDesk(http, (user, desk) =>
        {
            var package = desk.PreviewNcaPackage(key, user.Account.Name);
            return Task.FromResult(Results.Content(NcaPackages.ToHtml(package), "text/html; charset=utf-8", Encoding.UTF8));
        }));
        group.MapPost("/reports/{key}/send", (string key, HttpContext http) => WithDesk(http, async (user, desk) =>
        {
            try
            {
                var outcome = await desk.SendAsync(key, user.Account.Name, http.RequestAborted).ConfigureAwait(false);
                var message = outcome.Ncmec is { } n ? $"NCMEC: {n.Status}{(n.Problem is null ? "" : " — " + n.Problem)}. " : "Not routed to NCMEC. ";
                message += outcome.NcaResult is { } nca ? "NCA: " + nca.Detail : "NCA: " + outcome.Nca.Nca;
                return ReportPage(http, user, desk, key, 200, message, null);
            }
            catch (InvalidOperationException e)
            {
                return ReportPage(http, user, desk, key, 409, e.Message, null);
            }
        }));
        group.MapPost("/reports/{key}/retract", (string key, HttpContext http) => WithDesk(http, async (user, desk) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var reason = form["reason"].ToString().Trim();
            if (reason.Length is 0 or > 2000)
            {
                return ReportPage(http, user, desk, key, 400, "Give the reason for withdrawing the report (up to 2000 characters).", null);
            }
            try
            {
                var result = await desk.RetractAsync(key, user.Account.Name, reason, http.RequestAborted).ConfigureAwait(false);
                return ReportPage(http, user, desk, key, 200, $"NCMEC: {result.Status}", null);
            }
            catch (InvalidOperationException e)
            {
                return ReportPage(http, user, desk, key, 409, e.Message, null);
            }
        }));
        group.MapPost("/reports/{key}/nca-reference", (string key, HttpContext http) => WithDesk(http, async (user, desk) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var reference = form["reference"].ToString().Trim();
            if (reference.Length is 0 or > 200 || reference.Any(char.IsControl))
            {
                return ReportPage(http, user, desk, key, 400, "The NCA reference is 1-200 printable characters.", null);
            }
            desk.Engine.RecordNcaReference(key, reference, DateTimeOffset.UtcNow, user.Account.Name);
            return SeeOther($"{Prefix}/reports/{key}");
        }));
        group.MapPost("/evidence/{id}/delete", (string id, HttpContext http) => RunAsync(http, ConsoleRoles.Admin, user =>
        {
            if (http.RequestServices.GetService<ReportDesk>() is not { } desk)
            {
                return Task.FromResult(Disabled(http, user));
            }
            try
            {
                desk.ApproveDeletion(id, user.Account.Name);
                return Task.FromResult(SeeOther($"{Prefix}/reports"));
            }
            catch (EvidenceVaultException e)
            {
                return Task.FromResult(ListPage(http, user, desk, 409, e.Message));
            }
        }));
    }

    private static Task<IResult> WithDesk(HttpContext http, Func<ConsoleUser, ReportDesk, Task<IResult>> handler) => RunAsync(http, Reporters, async user =>
    {
        if (http.RequestServices.GetService<ReportDesk>() is not { } desk)
        {
            return Disabled(http, user);
        }
        try
        {
            return await handler(user, desk).ConfigureAwait(false);
        }
        catch (ReportStoreException)
        {
            return Page(http, 404, "No such report", "<p>There is no such report. <a href=\"/console/reports\">All reports</a>.</p>", user, "reports");
        }
    });

    private static IResult Disabled(HttpContext http, ConsoleUser user) =>
        Page(http, 404, "Reports", "<p>Reporting is disabled on this server (<code>Safeguard:Reporting:Enabled</code>).</p>", user, "reports");

    private static IResult ListPage(HttpContext http, ConsoleUser user, ReportDesk desk, int status, string? error)
    {
        var html = new StringBuilder();
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(H(error)).Append("</p>");
        }
        if (!desk.NcmecConfigured)
        {
            html.Append("<p class=\"notice\">NCMEC credentials are not configured: reports can be drafted and checked, not sent to NCMEC.</p>");
        }
        html.Append("<table id=\"reports\"><thead><tr><th scope=\"col\">Report</th><th scope=\"col\">Cases</th><th scope=\"col\">Created</th><th scope=\"col\">Priority</th><th scope=\"col\">Files</th>")
            .Append("<th scope=\"col\">NCMEC</th><th scope=\"col\">NCMEC id</th><th scope=\"col\">NCA</th></tr></thead><tbody>");
        var reports = desk.List();
        foreach (var r in reports.Reverse())
        {
            var s = r.Summary;
            html.Append("<tr><td><a href=\"/console/reports/").Append(H(s.ReportKey)).Append("\"><code>").Append(H(s.ReportKey[..12])).Append("…</code></a></td><td>")
                .Append(H(s.CaseId)).Append("</td><td>").Append(Time(s.CreatedAt)).Append("</td><td>").Append(s.Priority).Append("</td><td>").Append(s.FileCount)
                .Append(s.TextOnly ? " (text)" : "").Append("</td><td class=\"status\">").Append(r.NcmecStatus).Append("</td><td>")
                .Append(r.NcmecReportId?.ToString(CultureInfo.InvariantCulture) ?? "—").Append("</td><td>").Append(r.NcaRouting.Nca)
                .Append(r.NcaPackageSent ? " (package written)" : "").Append(r.NcaReference is null ? "" : " ref " + H(r.NcaReference)).Append("</td></tr>");
        }
        if (reports.Count == 0)
        {
            html.Append("<tr><td colspan=\"8\">No reports yet.</td></tr>");
        }
        html.Append("</tbody></table>");

        html.Append("<h2>Draft from confirmed cases</h2>");
        if (!desk.CasesAvailable)
        {
            html.Append("<p class=\"notice\">This server has no case store, so reports cannot be drafted here.</p>");
        }
        html.Append("<form method=\"post\" action=\"/console/reports/draft\" class=\"stack narrow\">").Append(Csrf(user))
            .Append("<label for=\"cases\">Confirmed case numbers about one user (comma-separated)</label><input id=\"cases\" name=\"cases\" required maxlength=\"2000\" inputmode=\"numeric\">")
            .Append("<label for=\"priority\">Priority</label><select id=\"priority\" name=\"priority\">")
            .Append("<option value=\"P3\">P3 — routine</option><option value=\"P2\">P2 — urgent</option><option value=\"P1\">P1 — imminent risk (escalated at NCMEC)</option></select>")
            .Append("<label for=\"escalation\">Reason for P1 (required for P1)</label><textarea id=\"escalation\" name=\"escalation\" maxlength=\"3000\" rows=\"3\"></textarea>")
            .Append("<fieldset><legend>UK link (Online Safety Act s.70(6))</legend>")
            .Append("<label><input type=\"checkbox\" name=\"uk-published\"> Content published or generated in the UK</label>")
            .Append("<label><input type=\"checkbox\" name=\"uk-national\"> Suspect is a UK national</label>")
            .Append("<label><input type=\"checkbox\" name=\"uk-suspect\"> Suspect is in the UK</label>")
            .Append("<label><input type=\"checkbox\" name=\"uk-victim\"> A child is in the UK</label></fieldset>")
            .Append("<button type=\"submit\" id=\"draft\">Draft report</button></form>");

        var expired = desk.ExpiryProposals();
        html.Append("<h2>Retention: deletion proposals</h2><p class=\"hint\">Evidence past its retention period and under no legal hold. Deletion is real and recorded; an admin approves each one.</p>");
        html.Append("<table id=\"expired\"><thead><tr><th scope=\"col\">Object</th><th scope=\"col\">Kind</th><th scope=\"col\">Created</th><th scope=\"col\">Retained until</th><th scope=\"col\"></th></tr></thead><tbody>");
        foreach (var o in expired)
        {
            html.Append("<tr><td><code>").Append(H(o.Id)).Append("</code></td><td>").Append(o.Kind).Append("</td><td>").Append(Time(o.CreatedAt)).Append("</td><td>").Append(Time(o.RetainUntil)).Append("</td><td>");
            if (user.Has(ConsoleRoles.Admin))
            {
                html.Append("<form method=\"post\" action=\"/console/evidence/").Append(H(o.Id)).Append("/delete\" class=\"inline\">").Append(Csrf(user)).Append("<button type=\"submit\">Approve deletion</button></form>");
            }
            html.Append("</td></tr>");
        }
        if (expired.Count == 0)
        {
            html.Append("<tr><td colspan=\"5\">None.</td></tr>");
        }
        html.Append("</tbody></table>");
        return Page(http, status, "Reports", html.ToString(), user, "reports");
    }

    private static IResult ReportPage(HttpContext http, ConsoleUser user, ReportDesk desk, string key, int status, string? message, ReportPreview? preview)
    {
        var o = desk.Show(key);
        var s = o.Summary;
        var state = NcmecState.Replay(o.Journal);
        var html = new StringBuilder();
        if (message is not null)
        {
            html.Append("<p class=\"").Append(status >= 400 ? "error\" role=\"alert" : "notice\" role=\"status").Append("\">").Append(H(message)).Append("</p>");
        }
        html.Append("<dl class=\"facts\">");
        Fact(html, "Report", s.ReportKey);
        Fact(html, "Cases", s.CaseId);
        Fact(html, "Created", Time(s.CreatedAt));
        Fact(html, "Incident type", IncidentTypes.ToNcmec(s.IncidentType));
        Fact(html, "Priority", s.Priority + (s.Priority == ReportPriority.P1 ? " (escalated to high priority at NCMEC)" : ""));
        Fact(html, "Files", s.FileCount.ToString(CultureInfo.InvariantCulture) + (s.TextOnly ? " (text-only: conversation transcript)" : ""));
        Fact(html, "NCMEC", s.SendToNcmec ? o.NcmecStatus.ToString() : "not routed to NCMEC");
        if (o.NcmecReportId is { } id)
        {
            Fact(html, "NCMEC report id", id.ToString(CultureInfo.InvariantCulture));
        }
        if (state.ReportId is not null && state.Deadline is { } deadline)
        {
            Fact(html, "Open at NCMEC until", Time(deadline));
        }
        if (o.Problem is { } problem)
        {
            Fact(html, "Needs attention", problem);
        }
        Fact(html, "NCA route", o.NcaRouting.Nca + (o.NcaRouting.CallEmergencyServicesNow ? " — call emergency services now" : ""));
        Fact(html, "NCA package", o.NcaPackageSent ? "written for the NCA portal" : "not sent");
        Fact(html, "NCA reference", o.NcaReference ?? "—");
        html.Append("</dl><h2>Routing</h2><ul id=\"routing\">");
        foreach (var reason in o.NcaRouting.Reasons)
        {
            html.Append("<li>").Append(H(reason)).Append("</li>");
        }
        html.Append("</ul>");

        if (state.ReceiptExchange is { } exchange && state.FinishedReportId is { } finished)
        {
            html.Append("<h2>Receipt</h2><p id=\"receipt\">NCMEC report <strong>").Append(finished).Append("</strong>, files ")
                .Append(H(string.Join(", ", state.FinishedFileIds))).Append(", finished ").Append(Time(state.FinishedAt)).Append(".</p><pre class=\"payload\">")
                .Append(H(Encoding.UTF8.GetString(desk.Engine.Store.ReadExchange(key, exchange)))).Append("</pre>");
        }

        html.Append("<h2>Check</h2><p><a href=\"/console/reports/").Append(H(key)).Append("/preview\" id=\"preview-link\">Preview the report XML and validate it</a> · ")
            .Append("<a href=\"/console/reports/").Append(H(key)).Append("/nca-package\" id=\"nca-link\">NCA package (readable page)</a></p>")
            .Append("<p class=\"hint\">Both open the encrypted draft, which is recorded in the audit log.</p>");
        if (preview is not null)
        {
            html.Append("<p id=\"validation\" class=\"").Append(preview.Validated && preview.Errors.Count == 0 ? "notice\">Valid against the CyberTipline schema." : "error\">")
                .Append(preview.Validated ? (preview.Errors.Count == 0 ? "" : "Schema errors: " + H(string.Join(" | ", preview.Errors))) : "Not validated: " + H(preview.Note))
                .Append("</p><pre class=\"payload\" id=\"xml\">").Append(H(preview.Xml)).Append("</pre>");
        }

        html.Append("<h2>Act</h2>");
        if (o.NcmecStatus is not (ReportStatus.Finished or ReportStatus.Withdrawn) || (o.NcaRouting.Nca == NcaRoute.Required && !o.NcaPackageSent))
        {
            html.Append("<form method=\"post\" action=\"/console/reports/").Append(H(key)).Append("/send\" class=\"inline\">").Append(Csrf(user))
                .Append("<button type=\"submit\" id=\"send\">Send").Append(o.NcmecStatus == ReportStatus.Sending ? " (resume)" : "").Append("</button></form>")
                .Append("<p class=\"hint\">Sends to NCMEC and/or writes the NCA package, as routing decides. You sign the NCA declaration by sending.</p>");
        }
        if (o.NcmecStatus is not (ReportStatus.Finished or ReportStatus.Withdrawn))
        {
            html.Append("<form method=\"post\" action=\"/console/reports/").Append(H(key)).Append("/retract\" class=\"stack narrow\">").Append(Csrf(user))
                .Append("<label for=\"reason\">Reason for withdrawing</label><input id=\"reason\" name=\"reason\" required maxlength=\"2000\">")
                .Append("<button type=\"submit\" id=\"retract\">Retract</button></form>");
        }
        if (o.NcaPackageSent && o.NcaReference is null)
        {
            html.Append("<form method=\"post\" action=\"/console/reports/").Append(H(key)).Append("/nca-reference\" class=\"stack narrow\">").Append(Csrf(user))
                .Append("<label for=\"reference\">NCA reference from the portal</label><input id=\"reference\" name=\"reference\" required maxlength=\"200\">")
                .Append("<button type=\"submit\">Record reference</button></form>");
        }

        html.Append("<h2>Journal</h2><table id=\"journal\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Attempt</th><th scope=\"col\">Step</th><th scope=\"col\">NCMEC id</th><th scope=\"col\">Code</th><th scope=\"col\">Who</th><th scope=\"col\">Detail</th></tr></thead><tbody>");
        foreach (var e in o.Journal)
        {
            html.Append("<tr><td>").Append(Time(e.At)).Append("</td><td>").Append(e.Attempt).Append("</td><td>").Append(H(e.Type)).Append("</td><td>")
                .Append(e.ReportId?.ToString(CultureInfo.InvariantCulture) ?? "").Append("</td><td>").Append(e.Code?.ToString(CultureInfo.InvariantCulture) ?? "")
                .Append("</td><td>").Append(H(e.Actor)).Append("</td><td>").Append(H(e.Detail)).Append("</td></tr>");
        }
        html.Append("</tbody></table><p><a href=\"/console/reports\">All reports</a></p>");
        return Page(http, status, "Report " + key[..12] + "…", html.ToString(), user, "report");
    }

    private static void Fact(StringBuilder html, string name, string value) =>
        html.Append("<dt>").Append(H(name)).Append("</dt><dd>").Append(H(value)).Append("</dd>");

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
