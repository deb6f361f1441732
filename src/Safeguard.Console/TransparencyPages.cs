// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Safeguard.Accounts;
using Safeguard.Records;
using Safeguard.Transparency;
using Safeguard.Transparency.Offences;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Safeguard.ReviewConsole;

/// <summary>
/// Transparency for auditors: the report for a period (HTML with server-drawn SVG charts, JSON, CSV, the
/// regulator bundle), computed from the host's <see cref="IRecordLog"/>; and the public offence statistics
/// from an uploaded Home Office table, with per-force charts and the national trend.
/// </summary>
internal static partial class TransparencyPages
{
    private const ConsoleRoles Readers = ConsoleRoles.Auditor | ConsoleRoles.Admin;
    private const long MaxTableBytes = 64L * 1024 * 1024;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/transparency", (HttpContext http, IRecordLog log, TimeProvider time) => RunAsync(http, Readers, async user =>
        {
            var head = await log.GetHeadAsync(http.RequestAborted).ConfigureAwait(false);
            var (from, to) = LastQuarter(time.GetUtcNow());
            var q = http.Request.Query;
            string f = q["from"].FirstOrDefault() ?? from, t = q["to"].FirstOrDefault() ?? to, variant = q["variant"].FirstOrDefault() ?? "public";
            var body = new StringBuilder();
            body.Append("<p class=\"hint\">Every figure is computed from the hash-chained record log (")
                .Append(head.Sequence.ToString("N0", CultureInfo.InvariantCulture)).Append(" records, head <code>").Append(H(head.HashHex[..16])).Append("…</code>). ")
                .Append("Public figures show small counts as &lt;10; the regulator edition is exact.</p>");
            body.Append("<form method=\"get\" action=\"/console/transparency/report\" class=\"stack narrow\" id=\"transparency\">")
                .Append("<label for=\"from\">From (UTC, included)</label><input id=\"from\" name=\"from\" type=\"date\" required value=\"").Append(H(f)).Append("\">")
                .Append("<label for=\"to\">To (UTC, excluded)</label><input id=\"to\" name=\"to\" type=\"date\" required value=\"").Append(H(t)).Append("\">")
                .Append("<label for=\"variant\">Edition</label><select id=\"variant\" name=\"variant\">")
                .Append(Option("public", "Public (small counts masked)", variant)).Append(Option("regulator", "Regulator (exact)", variant)).Append("</select>")
                .Append("<label for=\"format\">Format</label><select id=\"format\" name=\"format\">")
                .Append(Option("html", "Report page with charts", "html")).Append(Option("json", "JSON", "html")).Append(Option("csv", "CSV", "html")).Append(Option("bundle", "Regulator bundle (JSON)", "html")).Append("</select>")
                .Append("<button type=\"submit\">Show</button></form>");
            body.Append("<p><a href=\"/console/offences\">Public offence statistics</a> (police recorded crime).</p>");
            return Page(http, 200, "Transparency", body.ToString(), user, "transparency");
        }));

        group.MapGet("/transparency/report", (HttpContext http, IRecordLog log, TimeProvider time) => RunAsync(http, Readers, async user =>
        {
            var q = http.Request.Query;
            string? format = q["format"].FirstOrDefault();
            bool bundle = format == "bundle";
            var errors = new Dictionary<string, string>(StringComparer.Ordinal);
            var request = TransparencyRequest.TryParse(q["from"], q["to"], bundle ? "json" : format ?? "html", q["variant"], q["smallCountThreshold"], errors);
            if (request is null)
            {
                return Page(http, 400, "Transparency", Errors(errors), user, "transparency");
            }
            var entries = await log.ReadAllAsync(long.MaxValue, http.RequestAborted).ConfigureAwait(false);
            TransparencyReport report;
            try
            {
                report = TransparencyEngine.Compute(entries, request.Period, request.Options);
            }
            catch (ChainIntegrityException e)
            {
                return Page(http, 409, "Transparency", $"<p class=\"error\" role=\"alert\">The record log does not verify: {H(e.Message)}. No figures were computed.</p>", user, "transparency");
            }
            if (bundle)
            {
                using var buffer = new MemoryStream();
                RegulatorBundle.Write(buffer, report, entries, time.GetUtcNow());
                return Results.File(buffer.ToArray(), "application/json", $"regulator-bundle-{request.Period.From.UtcDateTime:yyyy-MM-dd}-{request.Period.To.UtcDateTime:yyyy-MM-dd}.json");
            }
            byte[] rendered = TransparencyRequest.Render(report, request.Format, request.Variant);
            if (request.Format != ReportFormat.Html)
            {
                return Results.File(rendered, TransparencyRequest.ContentType(request.Format), request.FileName);
            }
            // The report is its own self-contained page (it prints on its own); its inline styles are allowed by hash only.
            http.Response.Headers.ContentSecurityPolicy = CspAllowingStylesOf(Encoding.UTF8.GetString(rendered));
            return Results.Bytes(rendered, TransparencyRequest.ContentType(ReportFormat.Html));
        }));

        group.MapGet("/offences", (HttpContext http, CancellationToken _) => RunAsync(http, Readers, user => Task.FromResult(Offences(http, user, null, null))));
        group.MapPost("/offences", (HttpContext http, CancellationToken _) => RunAsync(http, Readers, async user =>
        {
            if (http.Request.ContentLength > MaxTableBytes)
            {
                return Offences(http, user, $"The table is larger than {MaxTableBytes / (1024 * 1024)} MB.", null);
            }
            var form = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var file = form.Files.GetFile("table");
            if (file is null || file.Length == 0)
            {
                return Offences(http, user, "Choose a Home Office table (.csv or .ods) to upload.", null);
            }
            string name = Path.GetFileName(file.FileName);
            string force = form["force"].ToString().Trim();
            string[] codes = form["offence"].ToString().Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            try
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, http.RequestAborted).ConfigureAwait(false);
                buffer.Position = 0;
                var table = name.EndsWith(".ods", StringComparison.OrdinalIgnoreCase)
                    ? OffenceTable.ReadOds(buffer, name)
                    : OffenceTable.ReadCsv(new StreamReader(buffer, Encoding.UTF8), name);
                var summary = OffenceStatistics.Summarise(table, new OffenceQuery { Force = force.Length == 0 ? null : force, OffenceCodes = codes });
                return Offences(http, user, null, summary);
            }
            catch (OffenceTableException e)
            {
                return Offences(http, user, e.Message, null);
            }
        }));
    }

    private static IResult Offences(HttpContext http, ConsoleUser user, string? error, OffenceSummary? summary)
    {
        var body = new StringBuilder();
        if (error is not null)
        {
            body.Append("<p class=\"error\" role=\"alert\">").Append(H(error)).Append("</p>");
        }
        body.Append("<p class=\"hint\">Police recorded crime, Home Office open-data table format (Financial Year, Force Name, Offence Code, Number of Offences). ")
            .Append("By default offences 86/2 + 86/10 + 86/15 (indecent images of children). The same figures as <code>safeguard offences summary FILE --charts DIR</code>.</p>");
        body.Append("<form method=\"post\" action=\"/console/offences\" enctype=\"multipart/form-data\" class=\"stack narrow\" id=\"offences-upload\">").Append(Csrf(user))
            .Append("<label for=\"table\">Table (.csv or .ods)</label><input id=\"table\" name=\"table\" type=\"file\" accept=\".csv,.ods\" required>")
            .Append("<label for=\"force\">Force (optional)</label><input id=\"force\" name=\"force\" maxlength=\"100\">")
            .Append("<label for=\"offence\">Offence codes (optional, comma-separated)</label><input id=\"offence\" name=\"offence\" maxlength=\"200\">")
            .Append("<button type=\"submit\">Compute</button></form>");
        if (summary is not null)
        {
            body.Append("<h2>National</h2>");
            FigureTable(body, summary.National, "national");
            body.Append("<h2>Forces</h2>");
            FigureTable(body, summary.Forces, "forces");
            body.Append("<h2>Charts</h2><div class=\"charts\">");
            // National trends first, then one chart per force.
            foreach (var (_, svg) in OffenceStatistics.Charts(summary).OrderBy(c => c.FileName.StartsWith("force-", StringComparison.Ordinal)))
            {
                body.Append("<figure>").Append(svg[(svg.IndexOf("<svg", StringComparison.Ordinal))..]).Append("</figure>");
            }
            body.Append("</div>");
        }
        string html = body.ToString();
        http.Response.Headers.ContentSecurityPolicy = CspAllowingStylesOf(html);
        return Page(http, error is null ? 200 : 400, "Offence statistics", html, user, "offences");
    }

    private static void FigureTable(StringBuilder html, IReadOnlyList<OffenceYearFigure> figures, string id)
    {
        html.Append("<table id=\"").Append(id).Append("\"><thead><tr><th scope=\"col\">Force</th><th scope=\"col\">Year</th><th scope=\"col\">Offences</th><th scope=\"col\">Change</th><th scope=\"col\">Per day</th><th scope=\"col\">One every</th></tr></thead><tbody>");
        foreach (var f in figures)
        {
            html.Append("<tr><td>").Append(H(f.ForceName)).Append("</td><td>").Append(H(f.Year.ToString())).Append(f.Complete ? "" : " (part)")
                .Append("</td><td>").Append(f.Count.ToString("N0", CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(f.Change is Rational c ? H(c.FormatSignedPercent()) : "—")
                .Append("</td><td>").Append(f.Days > 0 ? H(OffenceStatistics.FormatRate(f.PerDay)) : "—")
                .Append("</td><td>").Append(f.Days > 0 && f.MinutesPerOffence is Rational m ? H(OffenceStatistics.FormatRate(m)) + " minutes" : "—")
                .Append("</td></tr>");
        }
        html.Append("</tbody></table>");
    }

    /// <summary>The console's policy plus the SHA-256 of every inline <c>&lt;style&gt;</c> of <paramref name="html"/>: those styles and no others run.</summary>
    internal static string CspAllowingStylesOf(string html)
    {
        var hashes = StyleElement().Matches(html)
            .Select(m => "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups[1].Value))) + "'")
            .Distinct(StringComparer.Ordinal);
        return "default-src 'none'; script-src 'self'; style-src 'self' " + string.Join(' ', hashes)
            + "; img-src 'self'; form-action 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    [GeneratedRegex("<style>(.*?)</style>", RegexOptions.Singleline | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 2000)]
    private static partial Regex StyleElement();

    private static (string From, string To) LastQuarter(DateTimeOffset now)
    {
        int month = ((now.UtcDateTime.Month - 1) / 3 * 3) + 1;
        var end = new DateTime(now.UtcDateTime.Year, month, 1, 0, 0, 0, DateTimeKind.Utc);
        return (end.AddMonths(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), end.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    private static string Option(string value, string label, string selected) =>
        $"<option value=\"{value}\"{(value == selected ? " selected" : string.Empty)}>{H(label)}</option>";

    private static string Errors(Dictionary<string, string> errors) =>
        "<p class=\"error\" role=\"alert\">" + H(string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}"))) + "</p><p><a href=\"/console/transparency\">Back</a></p>";
}
