// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Safeguard.Evidence;
using Safeguard.Reporting;

namespace Safeguard.Reporting.Tests;

public sealed class DraftingAndXmlTests
{
    [Fact]
    public void Schema_TestCopyIsTheDocumentedFile()
    {
        Assert.Equal("aee4c88099409b8a27d1403a5bc9bf0809bdc4819c079081abc1e2275efb392b",
            Convert.ToHexStringLower(SHA256.HashData(FakeCyberTipline.SchemaBytes())));
        Assert.Equal("aee4c88099409b8a27d1403a5bc9bf0809bdc4819c079081abc1e2275efb392b", CyberTiplineSchema.Load(FakeCyberTipline.SchemaBytes()).Sha256);
    }

    [Fact]
    public async Task Draft_OneReportPerReportedUser()
    {
        await using var h = await Harness.CreateAsync();
        var a = h.Vault.Put([1], EvidenceKind.Content, "t");
        var b = h.Vault.Put([2], EvidenceKind.Content, "t");
        var c = h.Vault.Put([3], EvidenceKind.Content, "t");
        var request = Samples.Request([Samples.Item(a.Id, [1], 0), Samples.Item(b.Id, [2], 1) with { ReportedUserId = "user-2" }, Samples.Item(c.Id, [3], 2)]) with
        {
            Users = new Dictionary<string, ReportedUser> { ["user-4711"] = Samples.User(), ["user-2"] = Samples.User("user-2") },
        };
        var summaries = h.Engine.Draft(request);
        Assert.Equal(2, summaries.Count);
        var byUser = summaries.ToDictionary(s => h.Engine.ReadDraft(s.ReportKey, "t", "t").User.EspIdentifier, s => s.FileCount);
        Assert.Equal(2, byUser["user-4711"]);
        Assert.Equal(1, byUser["user-2"]);
    }

    [Fact]
    public async Task Xml_FullDraft_ValidatesAgainstXsdWithFieldsInPlace()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2, ReportPriority.P1);
        var draft = h.Engine.ReadDraft(summary.ReportKey, "t", "t");
        var report = CyberTiplineXml.BuildReport(draft);
        Assert.Empty(h.Schema.Validate(report));
        var root = report.Root!;
        Assert.Equal(["incidentSummary", "internetDetails", "reporter", "personOrUserReported"], root.Elements().Select(e => e.Name.LocalName).Distinct());
        var summaryEl = root.Element("incidentSummary")!;
        Assert.Equal("Child Pornography (possession, manufacture, and distribution)", summaryEl.Element("incidentType")!.Value);
        Assert.Equal("Reviewer judged an imminent risk to a child.", summaryEl.Element("escalateToHighPriority")!.Value);
        Assert.Equal("2026-05-04T03:00:00Z", summaryEl.Element("incidentDateTime")!.Value); // earliest upload: 6 h before start
        var user = root.Element("personOrUserReported")!;
        Assert.Equal("user-4711", user.Element("espIdentifier")!.Value);
        Assert.Equal("pinecone_77", user.Element("screenName")!.Value);
        Assert.Equal(["pinecone@example.org", "backup@example.org"], user.Element("personOrUserReportedPerson")!.Elements("email").Select(e => e.Value));
        Assert.Equal(2, user.Elements("ipCaptureEvent").Count());
        Assert.Equal("123456", user.Element("priorCTReports")!.Value);
        Assert.Equal("safety@example.com", root.Element("reporter")!.Element("reportingPerson")!.Element("email")!.Value);

        var details = CyberTiplineXml.BuildFileDetails(draft, draft.Files[0], 4242, "b0754af766b426f2928a02c651ed4b99");
        Assert.Empty(h.Schema.Validate(details));
        var d = details.Root!;
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(files[0])), d.Elements("originalFileHash").Single(e => e.Attribute("hashType")!.Value == "MD5").Value);
        Assert.Equal("443", d.Element("ipCaptureEvent")!.Element("port")!.Value);
        Assert.Equal("true", d.Element("fileViewedByEsp")!.Value);
        Assert.NotNull(d.Element("fileAnnotations")!.Element("generativeAi"));
        Assert.Equal("B1", d.Element("industryClassification")!.Value);
    }

    [Theory]
    [InlineData(ReportPriority.P2)]
    [InlineData(ReportPriority.P3)]
    public async Task Xml_NonP1_HasNoEscalation(ReportPriority priority)
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1, priority);
        var report = CyberTiplineXml.BuildReport(h.Engine.ReadDraft(summary.ReportKey, "t", "t"));
        Assert.Null(report.Root!.Element("incidentSummary")!.Element("escalateToHighPriority"));
        Assert.Empty(h.Schema.Validate(report));
    }

    [Fact]
    public void Xml_SchemaCatchesOrderingMistakes()
    {
        var schema = CyberTiplineSchema.Load(FakeCyberTipline.SchemaBytes());
        var doc = XDocument.Parse("""
            <report><incidentSummary><incidentType>Child Sex Tourism</incidentType><incidentDateTime>2026-01-01T00:00:00Z</incidentDateTime></incidentSummary>
            <additionalInfo>x</additionalInfo><reporter><reportingPerson><email>a@example.com</email></reportingPerson></reporter></report>
            """);
        Assert.NotEmpty(schema.Validate(doc));
    }

    [Fact]
    public async Task Draft_FutureIncidentTimeIsClampedAndRecorded()
    {
        await using var h = await Harness.CreateAsync();
        var a = h.Vault.Put([1], EvidenceKind.Content, "t");
        var request = Samples.Request([Samples.Item(a.Id, [1], 0)]) with { IncidentTime = Harness.Start.AddMinutes(3) };
        var summary = Assert.Single(h.Engine.Draft(request));
        var draft = h.Engine.ReadDraft(summary.ReportKey, "t", "t");
        Assert.True(draft.IncidentTimeClamped);
        Assert.Equal(Harness.Start.AddSeconds(-1), draft.IncidentTime);
    }

    [Fact]
    public async Task Draft_RefusesBadInputWithClearMessagesAndStoresNothing()
    {
        await using var h = await Harness.CreateAsync();
        var a = h.Vault.Put([1], EvidenceKind.Content, "t");
        var item = Samples.Item(a.Id, [1], 0);
        var p1 = Assert.Throws<ReportDraftException>(() => h.Engine.Draft(Samples.Request([item]) with { Priority = ReportPriority.P1, EscalationReason = "  " }));
        Assert.Contains("escalation reason", p1.Message, StringComparison.Ordinal);
        var exif = Assert.Throws<ReportDraftException>(() => h.Engine.Draft(Samples.Request([item with { ViewedByStaff = false, ExifViewedByStaff = true }])));
        Assert.Contains("exifViewedByStaff", exif.Message, StringComparison.Ordinal);
        var user = Assert.Throws<ReportDraftException>(() => h.Engine.Draft(Samples.Request([item with { ReportedUserId = "nobody" }])));
        Assert.Contains("user details are missing", user.Message, StringComparison.Ordinal);
        Assert.Throws<ReportDraftException>(() => h.Engine.Draft(Samples.Request([])));
        Assert.Throws<ReportDraftException>(() => h.Engine.Draft(Samples.Request([item with { VaultObjectId = "../x" }])));
        Assert.Empty(h.Store.List());
    }

    [Fact]
    public void Transcript_QuotesCsvFields()
    {
        string csv = Encoding.UTF8.GetString(ReportDrafter.Transcript(Samples.Conversation()));
        Assert.StartsWith("time,from,to,text\r\n2026-05-03T03:00:00Z,pinecone_77,bluebird_12,", csv, StringComparison.Ordinal);
        Assert.Contains("\"let's talk on another app, don't tell your parents, \"\"ok\"\"\"", csv, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseCodes_MapToRetryFixStop()
    {
        Assert.Equal(ResponseDisposition.Retry, ResponseCodes.Classify(1000));
        Assert.Equal(ResponseDisposition.Retry, ResponseCodes.Classify(1111));
        Assert.Equal(ResponseDisposition.Fix, ResponseCodes.Classify(4100));
        Assert.Equal(ResponseDisposition.Fix, ResponseCodes.Classify(4110));
        Assert.Equal(ResponseDisposition.Stop, ResponseCodes.Classify(2000));
        Assert.Equal(ResponseDisposition.Stop, ResponseCodes.Classify(3100));
        Assert.Equal(ResponseDisposition.Stop, ResponseCodes.Classify(1210));
        Assert.Equal(ResponseDisposition.Stop, ResponseCodes.Classify(9999));
        Assert.Equal(ResponseDisposition.Restart, ResponseCodes.Classify(5001));
        Assert.Equal(ResponseDisposition.Reupload, ResponseCodes.Classify(5002));
        Assert.Equal(ResponseDisposition.AlreadyRetracted, ResponseCodes.Classify(5101));
        Assert.Equal(ResponseDisposition.AlreadyFinished, ResponseCodes.Classify(5102));
        var html503 = CyberTiplineClient.Parse("upload", 503, Encoding.UTF8.GetBytes("<html><body>down</body></html>"), null, []);
        Assert.Null(html503.ResponseCode);
        Assert.Equal(ResponseDisposition.Retry, ResponseCodes.Classify(html503));
        var garbage = CyberTiplineClient.Parse("submit", 400, Encoding.UTF8.GetBytes("<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"), null, []);
        Assert.Null(garbage.ResponseCode);
    }

    /// <summary>Format stability of the journal: a line written by hand from docs/formats.md replays.</summary>
    [Fact]
    public void Format_JournalLinesFromTheDocumentedLayout_Replay()
    {
        string root = Path.Combine(Path.GetTempPath(), "sg-journal-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new FileReportStore(root);
            const string key = "00112233445566778899aabbccddeeff";
            store.Create(new ReportSummary
            {
                ReportKey = key,
                CaseId = "c",
                CreatedAt = Harness.Start,
                IncidentType = IncidentType.ChildPornography,
                Priority = ReportPriority.P3,
                FileCount = 1,
                TextOnly = false,
                DraftObjectId = key,
                SendToNcmec = true,
                NcaRoute = NcaRoute.MustNotReport,
            });
            string journal = string.Join('\n',
                """{"f":"safeguard.report.journal/1","e":{"type":"attempt.started","at":"2026-05-04T09:00:00+00:00","attempt":1}}""",
                """{"f":"safeguard.report.journal/1","e":{"type":"submit.sending","at":"2026-05-04T09:00:01+00:00","attempt":1}}""",
                """{"f":"safeguard.report.journal/1","e":{"type":"submit.ok","at":"2026-05-04T09:00:02+00:00","attempt":1,"reportId":777}}""",
                """{"f":"safeguard.report.journal/1","e":{"type":"upload.sending","at":"2026-05-04T09:30:00+00:00","attempt":1,"fileIndex":0}}""",
                """{"f":"safeguard.report.journal/1","e":{"type":"upload.ok","at":"2026-05-04T09:30:01+00:00","attempt":1,"fileIndex":0,"fileId":"ab","md5":"cd"}}""",
                """{"f":"safeguard.report.journal/1","e":{"type":"finish.send"""); // a crash cut the last append short
            File.WriteAllText(Path.Combine(root, "reports", key, "journal.jsonl"), journal);
            var state = NcmecState.Replay(store.ReadJournal(key)); // the cut-off last line is ignored
            Assert.Equal(ReportStatus.Sending, state.Status);
            Assert.Equal(777, state.ReportId);
            Assert.Equal("ab", state.Files[0].FileId);
            Assert.Equal(new DateTimeOffset(2026, 5, 5, 9, 0, 1, TimeSpan.Zero), state.Deadline);
            store.Append(key, new ReportEvent(ReportEvents.FileInfoOk, Harness.Start, 1) { FileIndex = 0 });
            Assert.True(NcmecState.Replay(store.ReadJournal(key)).Files[0].InfoSent);
            var summaryJson = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(root, "reports", key, "summary.json")));
            Assert.Equal("safeguard.report.summary/1", summaryJson.RootElement.GetProperty("formatTag").GetString());
            Assert.Equal("mustNotReport", summaryJson.RootElement.GetProperty("ncaRoute").GetString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
