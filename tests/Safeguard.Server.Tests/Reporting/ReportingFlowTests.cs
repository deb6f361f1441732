// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Evidence;
using Safeguard.Records;
using Safeguard.Reporting;
using Safeguard.Reporting.Tests;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using Safeguard.Storage;
using Safeguard.Webhooks;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Reporting;

/// <summary>
/// The whole reporting path through the real server: a matched check preserves the original and the
/// user's details → a reviewer confirms the case → a report is drafted over the API → sent to the
/// in-suite CyberTipline → the receipt is stored; a restart in the middle of /finish resumes without
/// filing twice; vault reads are entries of the server's audit chain; the NCA package is exported.
/// </summary>
public sealed class ReportingFlowTests : IAsyncLifetime
{
    private const string Image = "bridge-mods/aaa-orig.jpg";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "safeguard-tests", "reporting-" + Guid.NewGuid().ToString("N"));
    private readonly InMemoryOutboxStore _outbox = new();
    private readonly string _vaultKeys = "current=k1;k1=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private InMemoryCaseStore _cases = null!;
    private FakeCyberTipline _ncmec = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        _cases = new InMemoryCaseStore(_outbox);
        _ncmec = await FakeCyberTipline.StartAsync(new ManualClock(DateTimeOffset.UtcNow));
    }

    public async ValueTask DisposeAsync()
    {
        await _ncmec.DisposeAsync();
        try
        {
            foreach (var f in Directory.EnumerateFiles(_data, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(f, FileAttributes.Normal);
            }
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task ConfirmedCase_IsDraftedSentAndReceipted_WithVaultReadsInTheAuditChain_AndAnNcaPackage()
    {
        await using var server = await StartAsync();
        using var admin = server.Client();
        var (caseId, bytes) = await MatchAndConfirmAsync(server, admin, "content-1", "user-77");

        using var reporter = server.Client(await server.CreateKeyAsync(ApiScopes.Report));
        var key = await DraftAsync(reporter, caseId);

        var preview = await reporter.GetFromJsonAsync<JsonElement>($"/v1/reports/{key}/preview");
        Assert.True(preview.GetProperty("validated").GetBoolean());
        Assert.Empty(preview.GetProperty("errors").EnumerateArray());
        string xml = preview.GetProperty("xml").GetString()!;
        Assert.Contains("pinecone_77", xml, StringComparison.Ordinal);
        Assert.Contains("192.0.2.10", xml, StringComparison.Ordinal);

        var send = await reporter.PostAsync($"/v1/reports/{key}/send", null);
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        var sent = await send.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Finished", sent.GetProperty("ncmecStatus").GetString());
        Assert.Equal("Required", sent.GetProperty("nca").GetString());

        var filed = Assert.Single(_ncmec.Finished);
        var file = Assert.Single(filed.Files);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), file.Md5, ignoreCase: true);
        Assert.Equal(bytes.Length, file.Length);
        // The upload facts the platform sent with the check reached the file details.
        Assert.Contains("198.51.100.7", string.Concat(filed.FileDetails.Values), StringComparison.Ordinal);
        Assert.Contains("IMG_0001.jpg", string.Concat(filed.FileDetails.Values), StringComparison.Ordinal);

        var detail = await reporter.GetFromJsonAsync<JsonElement>($"/v1/reports/{key}");
        var receipt = detail.GetProperty("receipt");
        Assert.Equal(filed.Id, receipt.GetProperty("reportId").GetInt64());
        Assert.Contains(filed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), receipt.GetProperty("xml").GetString(), StringComparison.Ordinal);
        Assert.True(detail.GetProperty("report").GetProperty("ncaPackageSent").GetBoolean());

        // The NCA package was exported for the portal.
        var packageDir = Path.Combine(_data, "reporting", "nca-outbox", key);
        Assert.True(File.Exists(Path.Combine(packageDir, "package.json")));
        Assert.Contains("pinecone_77", await File.ReadAllTextAsync(Path.Combine(packageDir, "package.html")), StringComparison.Ordinal);

        // Every vault read went into the server's one audit chain, and the chain verifies.
        var kinds = new List<string>();
        await foreach (var e in server.Store.ReadAuditAsync())
        {
            kinds.Add(e.Kind);
        }
        Assert.Contains("evidence.stored", kinds);
        Assert.True(kinds.Count(k => k == "evidence.read") >= 3, "draft, preview and send each read the vault");
        var verify = await admin.GetFromJsonAsync<JsonElement>("/v1/audit/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean());

        // The filing is in the transparency records: one report record for the case's item. The NCA
        // package was only exported for the portal, which is not yet a report to the NCA.
        var reportRecords = new List<JsonElement>();
        await foreach (var e in server.Services.GetRequiredService<Safeguard.Transparency.IRecordLog>().ReadAsync())
        {
            if (e.Kind == "transparency.report")
            {
                reportRecords.Add(JsonDocument.Parse(e.Payload).RootElement.Clone());
            }
        }
        var mine = reportRecords.Where(r => r.GetProperty("eventId").GetString()!.Contains(key, StringComparison.Ordinal)).ToList();
        Assert.Equal(["ncmec"], mine.Select(r => r.GetProperty("recipient").GetString()!));

        // Nothing of the user's details reached the logs.
        Assert.DoesNotContain(server.Logs.Lines, l => l.Contains("pinecone", StringComparison.Ordinal) || l.Contains("198.51.100.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RestartDuringFinish_ResumesAtStartUp_WithoutFilingTwice()
    {
        string key;
        await using (var first = await StartAsync(shutdownSeconds: 1))
        {
            using var admin = first.Client();
            var (caseId, _) = await MatchAndConfirmAsync(first, admin, "content-2", "user-88");
            using var reporter = first.Client(await first.CreateKeyAsync(ApiScopes.Report));
            key = await DraftAsync(reporter, caseId);
            // NCMEC finishes the report but the answer never arrives; then the server stops.
            _ncmec.Inject("finish", new Fault(FaultKind.HangAfterProcessing));
            var sending = reporter.PostAsync($"/v1/reports/{key}/send", null);
            await WaitUntilAsync(() => _ncmec.Finished.Any());
            await first.DisposeAsync();
            try
            {
                using var answer = await sending;
            }
            catch (HttpRequestException)
            {
                // The connection was cut by the shutdown, as a crash would.
            }
        }
        var journal = new FileReportStore(Path.Combine(_data, "reporting", "store")).ReadJournal(key);
        Assert.Contains(journal, e => e.Type == ReportEvents.FinishSending);
        Assert.NotEqual(ReportStatus.Finished, NcmecState.Replay(journal).Status);

        await using var second = await StartAsync();
        using var client = second.Client(await second.CreateKeyAsync(ApiScopes.Report));
        await WaitUntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"/v1/reports/{key}")).GetProperty("report").GetProperty("ncmecStatus").GetString() == "Finished");
        Assert.Single(_ncmec.Reports);
        Assert.Single(_ncmec.Finished);
        var detail = await client.GetFromJsonAsync<JsonElement>($"/v1/reports/{key}");
        Assert.Equal(_ncmec.Finished.Single().Id, detail.GetProperty("receipt").GetProperty("reportId").GetInt64());
        // The report the start-up sweep finished is recorded once for transparency.
        int records = 0;
        await foreach (var e in second.Services.GetRequiredService<Safeguard.Transparency.IRecordLog>().ReadAsync())
        {
            if (e.Kind == "transparency.report" && e.Payload.Contains("rep-ncmec-" + key, StringComparison.Ordinal))
            {
                records++;
            }
        }
        Assert.Equal(1, records);
    }

    [Fact]
    public async Task ReportEndpoints_NeedTheReportScope_AndRefuseUnconfirmedCases()
    {
        await using var server = await StartAsync();
        using var checker = server.Client(await server.CreateKeyAsync(ApiScopes.Check));
        Assert.Equal(HttpStatusCode.Forbidden, (await checker.GetAsync("/v1/reports")).StatusCode);
        using var reporter = server.Client(await server.CreateKeyAsync(ApiScopes.Report));
        Assert.Equal(HttpStatusCode.Forbidden, (await reporter.GetAsync("/v1/evidence/expired")).StatusCode);

        var open = await new CaseService(_cases, new InMemoryExposureStore(), new InMemoryAuditTrail(TimeProvider.System), null, ReviewOptions.Default, TimeProvider.System)
            .OpenAsync(new NewCase(CaseKind.Image, CasePriority.High, "bank: review", CaseEvidence.Empty with { ContentRef = "c-9", UserRef = "u-9" }));
        var response = await reporter.PostAsJsonAsync("/v1/reports", new { caseIds = new[] { open.Id }, priority = "P3" });
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("only confirmed cases are reported", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var p1 = await reporter.PostAsJsonAsync("/v1/reports", new { caseIds = new[] { open.Id }, priority = "P7" });
        Assert.Contains("priority", (await ProblemAsync(p1, HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await reporter.GetAsync("/v1/reports/" + new string('a', 32))).StatusCode);

        using var admin = server.Client();
        var expired = await admin.GetFromJsonAsync<JsonElement>("/v1/evidence/expired");
        Assert.Empty(expired.GetProperty("objects").EnumerateArray());
    }

    private async Task<TestServer> StartAsync(int shutdownSeconds = 10)
    {
        var xsd = Path.Combine(AppContext.BaseDirectory, "data", "ncmec", "cybertipline-report.xsd");
        return await TestServer.StartAsync(
            [$"--Safeguard:Storage:DataDirectory={_data}"],
            configure: b =>
            {
                b.Services.AddSingleton<ICaseStore>(_cases);
                b.Services.AddSingleton(new NcmecSenderOptions { Delay = (_, _) => Task.CompletedTask });
                b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(shutdownSeconds));
            },
            $"--Safeguard:Reporting:Keys={_vaultKeys}",
            "--Safeguard:Reporting:Reporter:Platform=Example Chat",
            "--Safeguard:Reporting:Reporter:Email=safety@example.com",
            "--Safeguard:Reporting:Routing:Jurisdiction=Uk",
            $"--Safeguard:Reporting:Ncmec:BaseUrl={_ncmec.BaseUri}",
            $"--Safeguard:Reporting:Ncmec:Username={FakeCyberTipline.Username}",
            $"--Safeguard:Reporting:Ncmec:Password={FakeCyberTipline.Password}",
            $"--Safeguard:Reporting:Ncmec:XsdFile={xsd}",
            "--Safeguard:Reporting:Ncmec:TimeoutSeconds=60");
    }

    /// <summary>Checks the benign reference photo against a review bank with the user's details, then opens, claims, reveals and confirms its case.</summary>
    private async Task<(long CaseId, byte[] Bytes)> MatchAndConfirmAsync(TestServer server, HttpClient admin, string contentRef, string userRef)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "pdq", Image));
        string bank = NewBankName();
        await CreateBankAsync(admin, bank, action: "review");
        await AddEntryAsync(admin, bank, "sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)));

        using var checker = server.Client(await server.CreateKeyAsync(ApiScopes.Check));
        using var form = new MultipartFormDataContent
        {
            { new StringContent(contentRef), "contentRef" },
            { new StringContent(userRef), "userRef" },
            { new StringContent(UserJson(userRef)), "user" },
            { new StringContent("""{"at":"2026-05-01T10:05:00Z","ip":"198.51.100.7","port":443,"fileName":"IMG_0001.jpg"}"""), "upload" },
        };
        var image = new ByteArrayContent(bytes);
        image.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(image, "file", "upload.jpg");
        var response = await checker.PostAsync("/v1/check", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("review", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decision").GetString());

        // The server's intake opened the review case for the matched check; a reviewer confirms it.
        var time = TimeProvider.System;
        var service = new CaseService(_cases, new InMemoryExposureStore(), new InMemoryAuditTrail(time), null, ReviewOptions.Default, time);
        var reviewer = new Reviewer("rita", ConsoleRoles.Reviewer);
        var c = Assert.Single(await _cases.QueryAsync(new CaseQuery()), x => x.Evidence.ContentRef == contentRef);
        await service.ClaimAsync(c.Id, reviewer);
        await service.RevealAsync(c.Id, reviewer);
        await service.DecideAsync(c.Id, reviewer, CaseDecision.Confirm, "matches the listed file");
        return (c.Id, bytes);
    }

    private static string UserJson(string userRef) => JsonSerializer.Serialize(new
    {
        id = "esp-" + userRef,
        screenName = "pinecone_77",
        emails = new[] { new { address = "pinecone@example.org", verified = true } },
        ips = new[] { new { address = "192.0.2.10", at = "2026-05-01T10:00:00Z", @event = "login" } },
        devices = new[] { new { idType = "IMEI", idValue = "490154203237518" } },
    });

    private static async Task<string> DraftAsync(HttpClient reporter, long caseId)
    {
        var response = await reporter.PostAsJsonAsync("/v1/reports", new { caseIds = new[] { caseId }, priority = "P2", ukLink = new { suspectInUk = true } });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reports").EnumerateArray());
        Assert.Equal(1, report.GetProperty("files").GetInt32());
        Assert.Equal("Draft", report.GetProperty("ncmecStatus").GetString());
        return report.GetProperty("key").GetString()!;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("condition not met within 30 s");
            }
            await Task.Delay(50);
        }
    }
}
