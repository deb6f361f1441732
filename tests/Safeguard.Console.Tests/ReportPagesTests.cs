// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Evidence;
using Safeguard.Reporting;
using Safeguard.Reporting.Tests;

namespace Safeguard.Console.Tests;

/// <summary>
/// The report pages over plain HTTP against the in-suite CyberTipline: a reporter drafts from a
/// confirmed case, previews and validates the XML, sends, and reads the receipt; another draft is
/// retracted; reviewers are refused; a form without its CSRF token changes nothing.
/// </summary>
public sealed class ReportPagesTests : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "sg-console-reports-" + Guid.NewGuid().ToString("N"));
    private FakeCyberTipline _ncmec = null!;
    private ConsoleTestHost _host = null!;
    private HttpClient _http = null!;

    private ReportDesk Desk => _host.Services.GetRequiredService<ReportDesk>();

    public async ValueTask InitializeAsync()
    {
        _ncmec = await FakeCyberTipline.StartAsync(new ManualClock(DateTimeOffset.UtcNow));
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        _host = await ConsoleTestHost.StartAsync(services: s => s.AddSingleton(sp =>
        {
            var layout = new ReportingLayout(_root);
            var vault = new EvidenceVault(layout.Vault, MasterKeyRing.Generate("k1"), new FileAuditSink(layout.AuditFile));
            var store = new FileReportStore(layout.Store);
            var reporter = new ReporterSettings { Platform = "Example Chat", ReportingPerson = new ContactDetails("Trust", "Safety", "safety@example.com") };
            var engine = new ReportingEngine(store, vault, reporter, new RoutingSettings());
            var evidence = new ReportEvidenceIndex(layout.EvidenceIndex, vault);
            var client = new CyberTiplineClient(_http, _ncmec.BaseUri, FakeCyberTipline.Username, FakeCyberTipline.Password, CyberTiplineEnvironment.Test);
            var schema = new FixedCyberTiplineSchemaSource(CyberTiplineSchema.Load(FakeCyberTipline.SchemaBytes()));
            var sender = new NcmecReportSender(store, vault, client, schema, options: new NcmecSenderOptions { Delay = (_, _) => Task.CompletedTask });
            return new ReportDesk(layout, engine, evidence, new NcmecConnection(sender, schema), new FileDropNcaSender(layout.NcaOutbox),
                new CaseReportBuilder(sp.GetRequiredService<ICaseStore>(), evidence, null));
        }));
        await _host.AddUserAsync("rhea", ConsoleRoles.Reporter);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _ncmec.DisposeAsync();
        _http.Dispose();
        try
        {
            foreach (var f in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(f, FileAttributes.Normal);
            }
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task Reporter_DraftsPreviewsSendsAndSeesTheReceipt()
    {
        var caseId = await ConfirmedImageCaseAsync("user-300");
        using var client = new ConsoleClient(_host.BaseUrl);
        await client.SignInAsync("rhea");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/reports")).StatusCode);
        Assert.Contains("href=\"/console/reports\"", client.LastHtml, StringComparison.Ordinal);

        var drafted = await client.PostAsync("/console/reports/draft", [new("cases", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("priority", "P2")]);
        Assert.Equal(HttpStatusCode.Redirect, drafted.StatusCode);
        var page = drafted.Headers.Location!.OriginalString;
        var key = page[(page.LastIndexOf('/') + 1)..];

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(page + "/preview")).StatusCode);
        Assert.Contains("Valid against the CyberTipline schema.", client.LastHtml, StringComparison.Ordinal);
        Assert.Contains("&lt;report&gt;", client.LastHtml, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(page + "/send", [])).StatusCode);
        Assert.Contains("NCMEC: Finished", client.LastHtml, StringComparison.Ordinal);
        var filed = Assert.Single(_ncmec.Finished);
        await client.GetAsync(page);
        Assert.Contains($"NCMEC report <strong>{filed.Id}</strong>", client.LastHtml, StringComparison.Ordinal);
        Assert.Equal(ReportStatus.Finished, Desk.Show(key).NcmecStatus);

        // The preview and the send each read the vault, and each read is in the audit chain.
        var audit = FileAuditSink.ReadAll(Path.Combine(_root, "audit.jsonl"));
        Assert.Contains(audit, e => e.Kind == "evidence.read" && e.Payload.Contains("rhea", StringComparison.Ordinal) && e.Payload.Contains("preview report", StringComparison.Ordinal));
        Assert.True(Safeguard.Records.HashChain.Verify(audit).IsValid);
    }

    [Fact]
    public async Task Reporter_RetractsADraft_AndAFormWithoutCsrfChangesNothing()
    {
        var caseId = await ConfirmedImageCaseAsync("user-301");
        var key = (await Desk.DraftFromCasesAsync([caseId], new CaseDraftOptions(), "rhea")).Single().ReportKey;
        using var client = new ConsoleClient(_host.BaseUrl);
        await client.SignInAsync("rhea");
        await client.GetAsync($"/console/reports/{key}");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync($"/console/reports/{key}/send", [], withCsrf: false)).StatusCode);
        Assert.Equal(ReportStatus.Draft, Desk.Show(key).NcmecStatus);
        Assert.Empty(_ncmec.Reports);

        await client.GetAsync($"/console/reports/{key}");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/console/reports/{key}/retract", [new("reason", "drafted in error")])).StatusCode);
        Assert.Equal(ReportStatus.Withdrawn, Desk.Show(key).NcmecStatus);

        // A withdrawn report frees its case for a new draft; a live one does not.
        var again = await client.PostAsync("/console/reports/draft", [new("cases", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("priority", "P3")]);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        await client.GetAsync("/console/reports");
        var twice = await client.PostAsync("/console/reports/draft", [new("cases", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("priority", "P3")]);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.Contains("is already in report", client.LastHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewerAndAuditor_AreRefused_AndP1WithoutReasonIsExplained()
    {
        using (var reviewer = new ConsoleClient(_host.BaseUrl))
        {
            await reviewer.SignInAsync("alice");
            Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.GetAsync("/console/reports")).StatusCode);
            Assert.DoesNotContain("href=\"/console/reports\"", reviewer.LastHtml, StringComparison.Ordinal);
        }
        using (var auditor = new ConsoleClient(_host.BaseUrl))
        {
            await auditor.SignInAsync("audrey");
            Assert.Equal(HttpStatusCode.Forbidden, (await auditor.GetAsync("/console/reports/" + new string('a', 32))).StatusCode);
        }
        var caseId = await ConfirmedImageCaseAsync("user-302");
        using var client = new ConsoleClient(_host.BaseUrl);
        await client.SignInAsync("root");
        await client.GetAsync("/console/reports");
        var response = await client.PostAsync("/console/reports/draft", [new("cases", caseId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("priority", "P1")]);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("P1", client.LastHtml, StringComparison.Ordinal);
        Assert.Empty(Desk.List());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/console/reports/" + new string('b', 32))).StatusCode);
    }

    /// <summary>Preserves a benign reference photo as intake would at check time, then opens, claims and confirms its case.</summary>
    private async Task<long> ConfirmedImageCaseAsync(string userRef)
    {
        var c = await _host.OpenImageCaseAsync(userRef: userRef);
        var bytes = await File.ReadAllBytesAsync(TestData.Path("pdq", "bridge-mods/aaa-orig.jpg"));
        Desk.Evidence.PreserveItem(c.Evidence.ContentRef!, userRef, bytes,
            new Dictionary<string, string> { ["md5"] = Convert.ToHexStringLower(MD5.HashData(bytes)), ["sha1"] = Convert.ToHexStringLower(SHA1.HashData(bytes)) },
            DateTimeOffset.UtcNow.AddHours(-2), new IpCapture("198.51.100.7", DateTimeOffset.UtcNow.AddHours(-2), CaptureEvent.Upload, 443), "IMG_0002.jpg", "test-intake");
        Desk.Evidence.PreserveUser(userRef, new ReportedUser { EspIdentifier = "esp-" + userRef, ScreenName = "pinecone_77" }, "test-intake");
        var reviewer = new Reviewer("alice", ConsoleRoles.Reviewer);
        await _host.Cases.ClaimAsync(c.Id, reviewer);
        await _host.Cases.DecideAsync(c.Id, reviewer, CaseDecision.Confirm, "matches the listed file");
        return c.Id;
    }
}
