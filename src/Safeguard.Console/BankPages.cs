// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Safeguard.Accounts;
using Safeguard.ReviewConsole.Banks;
using Safeguard.Webhooks;
using static Safeguard.ReviewConsole.ConsoleHttp;

namespace Safeguard.ReviewConsole;

/// <summary>Bank pages for curators: browse, search, add, disable, import.</summary>
internal static class BankPages
{
    private const long MaxImportBytes = 100L * 1024 * 1024;

    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/banks", (HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, user => ListAsync(http, user, banks, 200, null)));
        group.MapPost("/banks", (HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, async user =>
        {
            var f = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            try
            {
                var mode = f["mode"] == "shadow" ? RuleMode.Shadow : RuleMode.Enforce;
                var bank = await banks.CreateAsync(new BankForm(f["name"].ToString(), f["source"].ToString(), f["category"].ToString(), f["action"].ToString(), mode), user.Account.Name, http.RequestAborted).ConfigureAwait(false);
                return SeeOther($"{Prefix}/banks/{Uri.EscapeDataString(bank.Name)}");
            }
            catch (BankInputException e)
            {
                return await ListAsync(http, user, banks, 400, e.Message).ConfigureAwait(false);
            }
        }));
        group.MapPost("/banks/{name}/enabled", (string name, HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, async user =>
        {
            var f = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            return await banks.SetEnabledAsync(name, f["enabled"] == "true", user.Account.Name, http.RequestAborted).ConfigureAwait(false)
                ? SeeOther($"{Prefix}/banks")
                : await ListAsync(http, user, banks, 404, $"no bank named '{name}'").ConfigureAwait(false);
        }));
        group.MapGet("/banks/{name}", (string name, HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, user => EntriesAsync(http, user, banks, name, 200, null)));
        group.MapPost("/banks/{name}/entries", (string name, HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, async user =>
        {
            var f = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            try
            {
                var labels = f["labels"].ToString().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                await banks.AddEntryAsync(name, f["kind"].ToString(), f["value"].ToString(), f["externalId"].ToString(), labels, user.Account.Name, http.RequestAborted).ConfigureAwait(false);
                return SeeOther($"{Prefix}/banks/{Uri.EscapeDataString(name)}");
            }
            catch (BankInputException e)
            {
                return await EntriesAsync(http, user, banks, name, 400, e.Message).ConfigureAwait(false);
            }
        }));
        group.MapPost("/banks/{name}/import", (string name, HttpContext http, IBankCatalog banks) => RunAsync(http, ConsoleRoles.Curator, async user =>
        {
            if (http.Request.ContentLength > MaxImportBytes)
            {
                return await EntriesAsync(http, user, banks, name, 413, "the file is larger than 100 MB; use the API or the command line for bigger imports").ConfigureAwait(false);
            }
            var f = await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false);
            var file = f.Files.GetFile("file");
            if (file is null || file.Length == 0)
            {
                return await EntriesAsync(http, user, banks, name, 400, "choose a file to import").ConfigureAwait(false);
            }
            try
            {
                using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
                var result = await banks.ImportAsync(name, f["kind"].ToString(), reader, user.Account.Name, http.RequestAborted).ConfigureAwait(false);
                return result.Rejected > 0
                    ? await EntriesAsync(http, user, banks, name, 400, $"nothing imported: {result.Rejected} lines were rejected; first: {result.FirstError}").ConfigureAwait(false)
                    : await EntriesAsync(http, user, banks, name, 200, null, $"Imported {result.Added} entries.").ConfigureAwait(false);
            }
            catch (BankInputException e)
            {
                return await EntriesAsync(http, user, banks, name, 400, e.Message).ConfigureAwait(false);
            }
        }));
    }

    private static async Task<IResult> ListAsync(HttpContext http, ConsoleUser user, IBankCatalog banks, int status, string? error)
    {
        var search = http.Request.Query["q"].ToString();
        var list = await banks.ListAsync(search, http.RequestAborted).ConfigureAwait(false);
        var html = new StringBuilder();
        AppendMessage(html, error, null);
        html.Append("<form method=\"get\" action=\"/console/banks\" class=\"filters\" role=\"search\"><label>Search <input name=\"q\" value=\"").Append(H(search)).Append("\" maxlength=\"100\"></label><button type=\"submit\">Search</button></form>");
        html.Append("<table id=\"banks\"><thead><tr><th scope=\"col\">Bank</th><th scope=\"col\">Source</th><th scope=\"col\">Category</th><th scope=\"col\">Action</th><th scope=\"col\">Mode</th><th scope=\"col\">Entries</th><th scope=\"col\">Enabled</th></tr></thead><tbody>");
        foreach (var b in list)
        {
            html.Append("<tr><td><a href=\"/console/banks/").Append(H(Uri.EscapeDataString(b.Name))).Append("\">").Append(H(b.Name)).Append("</a></td><td>").Append(H(b.Source))
                .Append("</td><td>").Append(H(b.Category)).Append("</td><td>").Append(H(b.Action)).Append("</td><td>").Append(b.Mode == RuleMode.Shadow ? "shadow" : "enforce")
                .Append("</td><td>").Append(b.Entries).Append("</td><td><form method=\"post\" action=\"/console/banks/").Append(H(Uri.EscapeDataString(b.Name))).Append("/enabled\" class=\"inline\">").Append(Csrf(user))
                .Append("<input type=\"hidden\" name=\"enabled\" value=\"").Append(b.Enabled ? "false" : "true").Append("\">")
                .Append(b.Enabled ? "yes " : "no ").Append("<button type=\"submit\">").Append(b.Enabled ? "Disable" : "Enable").Append("</button></form></td></tr>");
        }
        html.Append("</tbody></table>");
        html.Append("<h2>Add a bank</h2><form method=\"post\" action=\"/console/banks\" class=\"stack narrow\" id=\"add-bank\">").Append(Csrf(user))
            .Append("<label for=\"bank-name\">Name</label><input id=\"bank-name\" name=\"name\" required maxlength=\"100\" pattern=\"[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*\">")
            .Append("<label for=\"bank-source\">Source</label><input id=\"bank-source\" name=\"source\" required maxlength=\"100\" placeholder=\"internal\">")
            .Append("<label for=\"bank-category\">Category</label><input id=\"bank-category\" name=\"category\" required maxlength=\"100\" placeholder=\"CSAM\">")
            .Append("<label for=\"bank-action\">Action on a match</label><select id=\"bank-action\" name=\"action\"><option>review</option><option>report</option><option>hold</option><option>block</option><option value=\"allow\">allow (allow-list: cancels matches)</option></select>")
            .Append("<label for=\"bank-mode\">Mode</label><select id=\"bank-mode\" name=\"mode\"><option value=\"enforce\">enforce</option><option value=\"shadow\">shadow (record only)</option></select>")
            .Append("<button type=\"submit\">Add bank</button></form>");
        return Page(http, status, "Banks", html.ToString(), user, "banks");
    }

    private static async Task<IResult> EntriesAsync(HttpContext http, ConsoleUser user, IBankCatalog banks, string name, int status, string? error, string? notice = null)
    {
        var search = http.Request.Query["q"].ToString();
        IReadOnlyList<BankEntryView> entries;
        try
        {
            entries = await banks.ListEntriesAsync(name, search, 200, http.RequestAborted).ConfigureAwait(false);
        }
        catch (BankInputException e)
        {
            return Page(http, 404, "Bank not found", $"<p>{H(e.Message)}</p>", user);
        }
        var path = "/console/banks/" + H(Uri.EscapeDataString(name));
        var html = new StringBuilder();
        AppendMessage(html, error, notice);
        html.Append("<form method=\"get\" action=\"").Append(path).Append("\" class=\"filters\" role=\"search\"><label>Search entries <input name=\"q\" value=\"").Append(H(search)).Append("\" maxlength=\"100\"></label><button type=\"submit\">Search</button></form>");
        html.Append("<table id=\"entries\"><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Kind</th><th scope=\"col\">Value</th><th scope=\"col\">External id</th><th scope=\"col\">Labels</th><th scope=\"col\">Added</th></tr></thead><tbody>");
        foreach (var e in entries)
        {
            html.Append("<tr><td>").Append(e.Id).Append("</td><td>").Append(H(e.Kind)).Append("</td><td><code>").Append(H(e.Value)).Append("</code></td><td>").Append(H(e.ExternalId))
                .Append("</td><td>").Append(H(string.Join(", ", e.Labels))).Append("</td><td>").Append(H(e.AddedBy)).Append(", ").Append(Time(e.AddedAt)).Append("</td></tr>");
        }
        html.Append("</tbody></table><p class=\"hint\">Showing up to 200 newest entries.</p>");
        html.Append("<h2>Add an entry</h2><form method=\"post\" action=\"").Append(path).Append("/entries\" class=\"stack narrow\" id=\"add-entry\">").Append(Csrf(user))
            .Append(KindSelect("entry-kind"))
            .Append("<label for=\"entry-value\">Hash (hex)</label><input id=\"entry-value\" name=\"value\" required maxlength=\"64\">")
            .Append("<label for=\"entry-external\">External id (optional)</label><input id=\"entry-external\" name=\"externalId\" maxlength=\"200\">")
            .Append("<label for=\"entry-labels\">Labels, comma-separated (optional)</label><input id=\"entry-labels\" name=\"labels\" maxlength=\"500\">")
            .Append("<button type=\"submit\">Add entry</button></form>");
        html.Append("<h2>Import</h2><form method=\"post\" action=\"").Append(path).Append("/import\" enctype=\"multipart/form-data\" class=\"stack narrow\" id=\"import\">").Append(Csrf(user))
            .Append(KindSelect("import-kind"))
            .Append("<label for=\"import-file\">File: one hash per line, or <code>kind value</code> lines; <code>#</code> starts a comment</label><input id=\"import-file\" name=\"file\" type=\"file\" required accept=\".txt,.csv,text/plain\">")
            .Append("<button type=\"submit\">Import</button></form>");
        return Page(http, status, $"Bank {name}", html.ToString(), user, "bank");
    }

    private static string KindSelect(string id) =>
        $"<label for=\"{id}\">Hash kind</label><select id=\"{id}\" name=\"kind\"><option>pdq</option><option>md5</option><option>sha1</option><option>sha256</option></select>";

    private static void AppendMessage(StringBuilder html, string? error, string? notice)
    {
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(H(error)).Append("</p>");
        }
        if (notice is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(H(notice)).Append("</p>");
        }
    }
}
