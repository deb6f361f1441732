// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Safeguard.Accounts;
using Safeguard.Records;
using Safeguard.Webhooks;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Safeguard.ReviewConsole;

/// <summary>The audit log (auditors) and the webhook outbox with its dead letters (admins).</summary>
internal static class AuditPages
{
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/audit", (HttpContext http, IAuditTrail audit) => RunAsync(http, ConsoleRoles.Auditor, async user =>
        {
            long? before = long.TryParse(http.Request.Query["before"], NumberStyles.None, CultureInfo.InvariantCulture, out var b) ? b : null;
            var records = await audit.ReadAsync(100, before, http.RequestAborted).ConfigureAwait(false);
            var html = new StringBuilder();
            html.Append("<p class=\"hint\">Newest first. Every entry is hash-chained to the one before; <code>safeguard audit verify</code> checks the whole chain.</p>");
            html.Append("<table id=\"audit\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Details</th><th scope=\"col\">Hash</th></tr></thead><tbody>");
            foreach (var r in records)
            {
                html.Append("<tr data-kind=\"").Append(H(r.Entry.Kind)).Append("\"><td>").Append(r.Entry.Sequence).Append("</td><td>").Append(Time(r.Entry.Time)).Append("</td><td>").Append(H(r.Actor))
                    .Append("</td><td>").Append(H(r.Entry.Kind)).Append("</td><td><code class=\"payload\">").Append(H(r.Entry.Payload)).Append("</code></td><td><code>")
                    .Append(HashChain.ToHex(r.Entry.Hash).AsSpan(0, 12)).Append("…</code></td></tr>");
            }
            html.Append("</tbody></table>");
            if (records.Count == 100)
            {
                html.Append("<p><a href=\"/console/audit?before=").Append(records[^1].Entry.Sequence).Append("\">Older entries</a></p>");
            }
            return Page(http, 200, "Audit log", html.ToString(), user, "audit");
        }));
        group.MapGet("/outbox", (HttpContext http, IOutboxStore outbox) => RunAsync(http, ConsoleRoles.Admin, user => OutboxAsync(http, user, outbox, null)));
        group.MapPost("/outbox/{id:long}/requeue", (long id, HttpContext http, IOutboxStore outbox, TimeProvider time, IAuditTrail audit) => RunAsync(http, ConsoleRoles.Admin, async user =>
        {
            if (!await outbox.RequeueAsync(id, time.GetUtcNow(), http.RequestAborted).ConfigureAwait(false))
            {
                return await OutboxAsync(http, user, outbox, $"message {id} is not a dead letter").ConfigureAwait(false);
            }
            await audit.AppendAsync("webhook.requeued", user.Account.Name, string.Create(CultureInfo.InvariantCulture, $"{{\"outboxId\":{id}}}"), http.RequestAborted).ConfigureAwait(false);
            return SeeOther($"{Prefix}/outbox");
        }));
    }

    private static async Task<IResult> OutboxAsync(HttpContext http, ConsoleUser user, IOutboxStore outbox, string? error)
    {
        var html = new StringBuilder();
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(H(error)).Append("</p>");
        }
        html.Append("<h2>Dead letters</h2><p class=\"hint\">Webhooks the platform did not accept after every retry. Re-queue one once the receiver is fixed.</p>");
        AppendTable(html, user, await outbox.ListAsync(OutboxState.DeadLettered, 200, http.RequestAborted).ConfigureAwait(false), "dead-letters", requeue: true);
        html.Append("<h2>Waiting</h2>");
        AppendTable(html, user, await outbox.ListAsync(OutboxState.Pending, 200, http.RequestAborted).ConfigureAwait(false), "pending", requeue: false);
        html.Append("<h2>Shadow mode</h2><p class=\"hint\">What rules in shadow mode would have sent. Never sent.</p>");
        AppendTable(html, user, await outbox.ListAsync(OutboxState.Shadow, 200, http.RequestAborted).ConfigureAwait(false), "shadow", requeue: false);
        html.Append("<h2>Delivered</h2>");
        AppendTable(html, user, await outbox.ListAsync(OutboxState.Delivered, 50, http.RequestAborted).ConfigureAwait(false), "delivered", requeue: false);
        return Page(http, 200, "Webhooks", html.ToString(), user, "outbox");
    }

    private static void AppendTable(StringBuilder html, ConsoleUser user, IReadOnlyList<OutboxMessage> messages, string id, bool requeue)
    {
        html.Append("<table id=\"").Append(id).Append("\"><thead><tr><th scope=\"col\">#</th><th scope=\"col\">Event</th><th scope=\"col\">Created</th><th scope=\"col\">Attempts</th><th scope=\"col\">Last error</th><th scope=\"col\">Body</th>")
            .Append(requeue ? "<th scope=\"col\"></th>" : string.Empty).Append("</tr></thead><tbody>");
        foreach (var m in messages)
        {
            html.Append("<tr><td>").Append(m.Id).Append("</td><td>").Append(H(m.EventType)).Append("</td><td>").Append(Time(m.CreatedAt)).Append("</td><td>").Append(m.Attempts)
                .Append("</td><td>").Append(H(m.LastError)).Append("</td><td><code class=\"payload\">").Append(H(m.Payload)).Append("</code></td>");
            if (requeue)
            {
                html.Append("<td><form method=\"post\" action=\"/console/outbox/").Append(m.Id).Append("/requeue\" class=\"inline\">").Append(Csrf(user)).Append("<button type=\"submit\">Re-queue</button></form></td>");
            }
            html.Append("</tr>");
        }
        if (messages.Count == 0)
        {
            html.Append("<tr><td colspan=\"").Append(requeue ? 7 : 6).Append("\">None.</td></tr>");
        }
        html.Append("</tbody></table>");
    }
}
