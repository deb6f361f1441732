// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.ReviewConsole.Banks;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Safeguard.ReviewConsole;

/// <summary>The queue, the case page and the reviewer's actions.</summary>
internal static class CasePages
{
    private const ConsoleRoles CaseReaders = ConsoleRoles.Admin | ConsoleRoles.Reviewer | ConsoleRoles.ChildSafetyReviewer | ConsoleRoles.Auditor;
    private const ConsoleRoles CaseWorkers = ConsoleRoles.Admin | ConsoleRoles.Reviewer | ConsoleRoles.ChildSafetyReviewer;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/queue", (HttpContext http, CaseService cases, ICaseStore store) => RunAsync(http, CaseReaders, user => QueueAsync(http, user, cases, store, null)));
        group.MapPost("/queue/claim-next", (HttpContext http, CaseService cases, ICaseStore store) => RunAsync(http, CaseWorkers, async user =>
        {
            try
            {
                var next = await cases.ClaimNextAsync(user.Reviewer, http.RequestAborted).ConfigureAwait(false);
                return next is null ? await QueueAsync(http, user, cases, store, "There is no case for you to take right now.").ConfigureAwait(false) : SeeOther($"{Prefix}/cases/{next.Id}");
            }
            catch (CaseAccessException e)
            {
                return await QueueAsync(http, user, cases, store, e.Message).ConfigureAwait(false);
            }
        }));
        group.MapGet("/cases/{id:long}", (long id, HttpContext http, CaseService cases, ICaseStore store, IServiceProvider services) =>
            RunAsync(http, CaseReaders, user => CaseAsync(http, user, id, cases, store, services, 200, null)));
        group.MapPost("/cases/{id:long}/claim", (long id, HttpContext http, CaseService cases, ICaseStore store, IServiceProvider services) =>
            ActAsync(http, id, cases, store, services, (user, ct) => cases.ClaimAsync(id, user.Reviewer, ct)));
        group.MapPost("/cases/{id:long}/release", (long id, HttpContext http, CaseService cases, ICaseStore store, IServiceProvider services) =>
            ActAsync(http, id, cases, store, services, (user, ct) => cases.ReleaseAsync(id, user.Reviewer, ct)));
        group.MapPost("/cases/{id:long}/reveal", (long id, HttpContext http, CaseService cases) => RunAsync(http, CaseWorkers, async user =>
        {
            try
            {
                await cases.RevealAsync(id, user.Reviewer, http.RequestAborted).ConfigureAwait(false);
                return Results.NoContent();
            }
            catch (Exception e) when (e is CaseAccessException or CaseConflictException or CaseTransitionException)
            {
                return Results.Conflict();
            }
        }));
        group.MapPost("/cases/{id:long}/decide", (long id, HttpContext http, CaseService cases, ICaseStore store, IServiceProvider services, ILogger<ConsoleWorker> logger) =>
            ActAsync(http, id, cases, store, services, async (user, ct) =>
            {
                var form = await http.Request.ReadFormAsync(ct).ConfigureAwait(false);
                if (!CaseText.TryParseDecision(form["decision"].ToString(), out var decision))
                {
                    throw new CaseDecisionException("choose confirm, clear or escalate");
                }
                var decided = await cases.DecideAsync(id, user.Reviewer, decision, form["reason"].ToString(), form["bank"].ToString(), ct).ConfigureAwait(false);
                ConsoleLog.CaseDecided(logger, id, decision);
                return decided;
            }, toQueue: true));
        group.MapGet("/cases/{id:long}/thumbnail", (long id, HttpContext http, CaseService cases, TimeProvider time, IThumbnailStore thumbnails) => RunAsync(http, CaseWorkers, async user =>
        {
            // Only the reviewer holding the case gets its image, and no cache keeps a copy.
            ReviewCase c;
            try
            {
                c = await cases.GetAsync(id, user.Reviewer, http.RequestAborted).ConfigureAwait(false);
            }
            catch (CaseAccessException)
            {
                return Results.NotFound();
            }
            if (!c.IsHeldBy(user.Account.Name, time.GetUtcNow()) || c.Evidence.ThumbnailRef is null)
            {
                return Results.NotFound();
            }
            var thumb = await thumbnails.GetAsync(c.Evidence.ThumbnailRef, http.RequestAborted).ConfigureAwait(false);
            var type = thumb is null ? null : Thumbnail.Sniff(thumb.Bytes);
            return thumb is null || type is null ? Results.NotFound() : Results.Bytes(thumb.Bytes, type);
        }));
    }

    private static Task<IResult> ActAsync(
        HttpContext http, long id, CaseService cases, ICaseStore store, IServiceProvider services,
        Func<ConsoleUser, CancellationToken, Task<ReviewCase>> action, bool toQueue = false) =>
        RunAsync(http, CaseWorkers, async user =>
        {
            try
            {
                await action(user, http.RequestAborted).ConfigureAwait(false);
                return SeeOther(toQueue ? $"{Prefix}/queue" : $"{Prefix}/cases/{id}");
            }
            catch (CaseAccessException e)
            {
                return Page(http, 404, "Case not found", $"<p>{H(e.Message)}</p>", user);
            }
            catch (Exception e) when (e is CaseConflictException or CaseTransitionException or ExposureCapReachedException or CaseDecisionException or BankInputException)
            {
                var status = e is CaseDecisionException or BankInputException ? 400 : 409;
                return await CaseAsync(http, user, id, cases, store, services, status, e.Message).ConfigureAwait(false);
            }
        });

    private static async Task<IResult> QueueAsync(HttpContext http, ConsoleUser user, CaseService cases, ICaseStore store, string? message)
    {
        var q = http.Request.Query;
        var visible = CaseService.VisibleKinds(user.Account.Roles);
        var statusFilter = CaseText.TryParseStatus(q["status"], out var s) ? s : (CaseStatus?)null;
        var kindFilter = CaseText.TryParseKind(q["kind"], out var k) && visible.Contains(k) ? k : (CaseKind?)null;
        var minPriority = Enum.TryParse<CasePriority>(q["priority"], ignoreCase: true, out var p) && Enum.IsDefined(p) ? p : (CasePriority?)null;
        var mine = q["mine"] == "1";
        var group = q["group"].ToString() is { Length: 32 } g && g.All(char.IsAsciiHexDigitLower) ? g : null;
        var statuses = statusFilter is { } one ? new[] { one } : [CaseStatus.Open, CaseStatus.InReview, CaseStatus.Escalated];
        var list = await store.QueryAsync(new CaseQuery(statuses, kindFilter is { } kk ? [kk] : visible, minPriority, mine ? user.Account.Name : null, group, Limit: 200), http.RequestAborted).ConfigureAwait(false);
        var counts = await store.CountByStatusAsync(visible, http.RequestAborted).ConfigureAwait(false);

        var html = new StringBuilder();
        if (message is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(H(message)).Append("</p>");
        }
        html.Append("<ul class=\"counts\" aria-label=\"Cases by status\">");
        foreach (var (status, count) in counts.OrderBy(c => c.Key))
        {
            html.Append("<li><a href=\"/console/queue?status=").Append(CaseText.Name(status)).Append("\" data-status=\"").Append(CaseText.Name(status)).Append("\">")
                .Append(H(CaseText.Name(status))).Append(" <strong>").Append(count).Append("</strong></a></li>");
        }
        html.Append("</ul>");
        if (RoleNames.CanReview(user.Account.Roles))
        {
            html.Append("<form method=\"post\" action=\"/console/queue/claim-next\" id=\"claim-next\" class=\"inline\">").Append(Csrf(user))
                .Append("<button type=\"submit\">Claim next case (n)</button></form>");
        }
        html.Append("<form method=\"get\" action=\"/console/queue\" class=\"filters\" aria-label=\"Filters\">")
            .Append(Select("status", "Status", [("", "open, in review, escalated"), .. Enum.GetValues<CaseStatus>().Select(x => (CaseText.Name(x), CaseText.Name(x)))], statusFilter is { } sf ? CaseText.Name(sf) : ""))
            .Append(Select("kind", "Kind", [("", "all I may see"), .. visible.Select(x => (CaseText.Name(x), CaseText.Name(x)))], kindFilter is { } kf ? CaseText.Name(kf) : ""))
            .Append(Select("priority", "Priority at least", [("", "any"), .. Enum.GetValues<CasePriority>().Select(x => (x.ToString().ToLowerInvariant(), x.ToString().ToLowerInvariant()))], minPriority?.ToString().ToLowerInvariant() ?? ""))
            .Append("<label><input type=\"checkbox\" name=\"mine\" value=\"1\"").Append(mine ? " checked" : "").Append("> Mine only</label>");
        if (group is not null)
        {
            html.Append("<input type=\"hidden\" name=\"group\" value=\"").Append(group).Append("\"><span class=\"chip\">Same user only</span>");
        }
        html.Append("<button type=\"submit\">Filter</button></form>");

        var groupSizes = list.Where(c => c.GroupKey is not null).GroupBy(c => c.GroupKey!).ToDictionary(x => x.Key, x => x.Count(), StringComparer.Ordinal);
        html.Append("<table class=\"cases\" id=\"queue\"><thead><tr><th scope=\"col\">Case</th><th scope=\"col\">Kind</th><th scope=\"col\">Priority</th><th scope=\"col\">Status</th><th scope=\"col\">Why</th><th scope=\"col\">Reviewer</th><th scope=\"col\">Same user</th><th scope=\"col\">Opened</th></tr></thead><tbody>");
        foreach (var c in list)
        {
            html.Append("<tr data-case=\"").Append(c.Id).Append("\"><td><a class=\"case-link\" href=\"/console/cases/").Append(c.Id).Append("\">#").Append(c.Id).Append("</a></td>")
                .Append("<td>").Append(CaseText.Name(c.Kind)).Append("</td><td class=\"prio-").Append(c.Priority.ToString().ToLowerInvariant()).Append("\">").Append(c.Priority.ToString().ToLowerInvariant()).Append("</td>")
                .Append("<td>").Append(CaseText.Name(c.Status)).Append(c.Escalated && c.Status != CaseStatus.Escalated ? " (escalated)" : "").Append("</td>")
                .Append("<td>").Append(H(c.Reason)).Append("</td><td>").Append(H(c.Assignee ?? "—")).Append("</td><td>");
            if (c.GroupKey is not null)
            {
                html.Append("<a href=\"/console/queue?group=").Append(c.GroupKey).Append("\">").Append(groupSizes.GetValueOrDefault(c.GroupKey)).Append(" in view</a>");
            }
            html.Append("</td><td>").Append(Time(c.CreatedAt)).Append("</td></tr>");
        }
        if (list.Count == 0)
        {
            html.Append("<tr><td colspan=\"8\">No cases match.</td></tr>");
        }
        html.Append("</tbody></table>");
        return Page(http, 200, "Review queue", html.ToString(), user, "queue");
    }

    private static async Task<IResult> CaseAsync(HttpContext http, ConsoleUser user, long id, CaseService cases, ICaseStore store, IServiceProvider services, int status, string? error)
    {
        ReviewCase c;
        try
        {
            c = await cases.GetAsync(id, user.Reviewer, http.RequestAborted).ConfigureAwait(false);
        }
        catch (CaseAccessException e)
        {
            return Page(http, 404, "Case not found", $"<p>{H(e.Message)}</p>", user);
        }
        var now = ((TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System).GetUtcNow();
        var mine = c.IsHeldBy(user.Account.Name, now);
        var html = new StringBuilder();
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\" id=\"case-error\">").Append(H(error)).Append("</p>");
        }
        html.Append("<dl class=\"facts\"><dt>Status</dt><dd id=\"case-status\">").Append(CaseText.Name(c.Status)).Append("</dd>")
            .Append("<dt>Kind</dt><dd>").Append(CaseText.Name(c.Kind)).Append("</dd><dt>Priority</dt><dd>").Append(c.Priority.ToString().ToLowerInvariant()).Append("</dd>")
            .Append("<dt>Why</dt><dd>").Append(H(c.Reason)).Append("</dd><dt>Reviewer</dt><dd id=\"case-assignee\">").Append(H(c.Assignee ?? "—"))
            .Append(c.ClaimExpiresAt is { } exp && c.Status == CaseStatus.InReview ? $" until {Time(exp)}" : "").Append("</dd>")
            .Append("<dt>Content</dt><dd>").Append(H(c.Evidence.ContentRef ?? "—")).Append("</dd><dt>User</dt><dd>").Append(H(c.Evidence.UserRef ?? "—"));
        if (c.GroupKey is not null)
        {
            html.Append(" · <a href=\"/console/queue?group=").Append(c.GroupKey).Append("\">other cases about this user</a>");
        }
        html.Append("</dd>");
        if (c.Decision is { } d)
        {
            html.Append("<dt>Decision</dt><dd>").Append(CaseText.Name(d)).Append(" by ").Append(H(c.DecidedBy)).Append(": ").Append(H(c.DecisionReason)).Append("</dd>");
        }
        html.Append("</dl>");

        if (c.Kind == CaseKind.Image && c.Evidence.ThumbnailRef is not null)
        {
            if (mine)
            {
                html.Append("<figure class=\"evidence veiled blur-").Append(Math.Clamp(user.Account.BlurStrength, 1, 5)).Append("\" id=\"evidence\" data-case=\"").Append(c.Id).Append("\">")
                    .Append("<div class=\"frame\"><img id=\"evidence-image\" src=\"/console/cases/").Append(c.Id).Append("/thumbnail\" alt=\"Evidence image, blurred until revealed\" draggable=\"false\"></div>")
                    .Append("<figcaption><button type=\"button\" id=\"reveal\" aria-pressed=\"false\">Reveal image (v)</button> ")
                    .Append("<button type=\"button\" id=\"colour\" aria-pressed=\"false\" disabled>Colour (g)</button> ")
                    .Append("<span class=\"hint\">The image blurs again when you leave this window or tab.</span></figcaption></figure>");
            }
            else
            {
                html.Append("<p class=\"hint\">Claim the case to see its image (blurred until you reveal it).</p>");
            }
        }
        AppendEvidence(html, c);

        if (!c.IsClosed && RoleNames.CanReview(user.Account.Roles))
        {
            if (mine)
            {
                await AppendDecisionFormAsync(html, user, c, services, http.RequestAborted).ConfigureAwait(false);
                html.Append("<form method=\"post\" action=\"/console/cases/").Append(c.Id).Append("/release\" id=\"release-form\" class=\"inline\">").Append(Csrf(user))
                    .Append("<button type=\"submit\" id=\"release\">Release (r)</button></form>");
            }
            else if (!c.IsHeldByOther(user.Account.Name, now))
            {
                html.Append("<form method=\"post\" action=\"/console/cases/").Append(c.Id).Append("/claim\" id=\"claim-form\">").Append(Csrf(user))
                    .Append("<button type=\"submit\" id=\"claim\">Claim this case (a)</button></form>");
            }
            else
            {
                html.Append("<p class=\"notice\" id=\"held-by-other\">Another reviewer is working on this case.</p>");
            }
        }

        html.Append("<h2>History</h2><table class=\"history\" id=\"history\"><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Status</th><th scope=\"col\">Note</th></tr></thead><tbody>");
        foreach (var h in await store.HistoryAsync(c.Id, http.RequestAborted).ConfigureAwait(false))
        {
            html.Append("<tr><td>").Append(Time(h.Time)).Append("</td><td>").Append(H(h.Actor)).Append("</td><td>").Append(CaseText.Name(h.Action))
                .Append("</td><td>").Append(CaseText.Name(h.From)).Append(" → ").Append(CaseText.Name(h.To)).Append("</td><td>").Append(H(h.Note)).Append("</td></tr>");
        }
        html.Append("</tbody></table>");
        return Page(http, status, $"Case #{c.Id}", html.ToString(), user, "case");
    }

    private static void AppendEvidence(StringBuilder html, ReviewCase c)
    {
        if (c.Evidence.Hashes.Count > 0)
        {
            html.Append("<h2>Hashes</h2><dl class=\"hashes\">");
            foreach (var (kind, value) in c.Evidence.Hashes)
            {
                html.Append("<dt>").Append(H(kind)).Append("</dt><dd><code>").Append(H(value)).Append("</code></dd>");
            }
            html.Append("</dl>");
        }
        if (c.Evidence.Matches.Count > 0)
        {
            html.Append("<h2>Matches</h2><table id=\"matches\"><thead><tr><th scope=\"col\">Bank</th><th scope=\"col\">Entry</th><th scope=\"col\">Kind</th><th scope=\"col\">Distance</th><th scope=\"col\">Labels</th></tr></thead><tbody>");
            foreach (var m in c.Evidence.Matches)
            {
                html.Append("<tr><td>").Append(H(m.Bank)).Append("</td><td>").Append(m.EntryId).Append("</td><td>").Append(H(m.Kind)).Append("</td><td>")
                    .Append(m.Distance.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(H(string.Join(", ", m.Labels))).Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
        if (c.Evidence.TextHits.Count > 0)
        {
            html.Append("<h2>Text hits</h2><table id=\"text-hits\"><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Term</th><th scope=\"col\">Context</th></tr></thead><tbody>");
            foreach (var t in c.Evidence.TextHits)
            {
                html.Append("<tr><td>").Append(H(t.Rule)).Append("</td><td>").Append(H(t.Term)).Append("</td><td>").Append(H(t.Context)).Append("</td></tr>");
            }
            html.Append("</tbody></table>");
        }
    }

    private static async Task AppendDecisionFormAsync(StringBuilder html, ConsoleUser user, ReviewCase c, IServiceProvider services, CancellationToken ct)
    {
        html.Append("<form method=\"post\" action=\"/console/cases/").Append(c.Id).Append("/decide\" id=\"decide-form\" class=\"stack decision\">").Append(Csrf(user))
            .Append("<fieldset><legend>Decision</legend>")
            .Append("<label><input type=\"radio\" name=\"decision\" value=\"confirm\" id=\"decision-confirm\" required> Confirm (c)</label>")
            .Append("<label><input type=\"radio\" name=\"decision\" value=\"clear\" id=\"decision-clear\"> Clear — false positive (x)</label>");
        if (!c.Escalated)
        {
            html.Append("<label><input type=\"radio\" name=\"decision\" value=\"escalate\" id=\"decision-escalate\"> Escalate to senior review (e)</label>");
        }
        html.Append("</fieldset><label for=\"reason\">Reason</label><textarea id=\"reason\" name=\"reason\" rows=\"3\" maxlength=\"2000\" required></textarea>");
        if (c.Evidence.Hashes.Count > 0 && services.GetService(typeof(IBankCatalog)) is IBankCatalog banks)
        {
            var all = await banks.ListAsync(null, ct).ConfigureAwait(false);
            html.Append("<label for=\"bank\">Add this item's hashes to a bank (optional)</label><select id=\"bank\" name=\"bank\"><option value=\"\">No</option><optgroup label=\"On confirm: positive banks\">");
            foreach (var b in all.Where(b => b.Enabled && !b.IsAllowList))
            {
                html.Append("<option value=\"").Append(H(b.Name)).Append("\">").Append(H(b.Name)).Append("</option>");
            }
            html.Append("</optgroup><optgroup label=\"On clear: allow-list banks\">");
            foreach (var b in all.Where(b => b.Enabled && b.IsAllowList))
            {
                html.Append("<option value=\"").Append(H(b.Name)).Append("\">").Append(H(b.Name)).Append("</option>");
            }
            html.Append("</optgroup></select>");
        }
        html.Append("<button type=\"submit\" id=\"decide\">Submit decision (Ctrl+Enter)</button></form>");
    }

    private static string Select(string name, string label, (string Value, string Text)[] options, string selected)
    {
        var html = new StringBuilder();
        html.Append("<label>").Append(H(label)).Append(" <select name=\"").Append(name).Append("\" id=\"filter-").Append(name).Append("\">");
        foreach (var (value, text) in options)
        {
            html.Append("<option value=\"").Append(H(value)).Append('"').Append(value == selected ? " selected" : "").Append('>').Append(H(text)).Append("</option>");
        }
        return html.Append("</select></label>").ToString();
    }
}
