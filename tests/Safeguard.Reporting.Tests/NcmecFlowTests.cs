// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Xml.Linq;
using Safeguard.Reporting;

namespace Safeguard.Reporting.Tests;

/// <summary>The whole submission against the test CyberTipline, with faults.</summary>
public sealed class NcmecFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static void AssertFiledOnceWithAllFiles(Harness h, NcmecResult result, List<byte[]> files)
    {
        Assert.Equal(ReportStatus.Finished, result.Status);
        var finished = Assert.Single(h.Server.Finished);
        Assert.Equal(finished.Id, result.ReportId);
        // Every file arrived intact, and each has exactly one fileDetails.
        var expected = files.Select(f => Convert.ToHexStringLower(MD5.HashData(f))).Order().ToList();
        var described = finished.Files.Where(f => finished.FileDetails.ContainsKey(f.FileId)).Select(f => f.Md5).Order().ToList();
        Assert.Equal(expected, described);
        // The receipt is the raw finish body, stored write-once, naming the report and its files.
        var receipt = h.Store.ReadExchange(result.ReportKey, result.ReceiptExchange!);
        var done = XDocument.Parse(System.Text.Encoding.UTF8.GetString(receipt)).Root!;
        Assert.Equal(finished.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), done.Element("reportId")!.Value);
    }

    [Fact]
    public async Task Send_HappyPath_FilesOneReportWithReceiptAndStartsRetention()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Finished.Single().Files.Count);
        Assert.Equal(1, h.Server.Calls["submit"]);
        Assert.Equal(2, h.Server.Calls["upload"]);
        Assert.Equal(2, h.Server.Calls["fileinfo"]);
        Assert.Equal(1, h.Server.Calls["finish"]);
        // The receipt's metadata records status, Request-ID and the environment.
        var record = h.Store.ReadExchangeRecord(summary.ReportKey, result.ReceiptExchange!);
        Assert.Equal(200, record.HttpStatus);
        Assert.Equal("Test", record.Environment);
        Assert.NotNull(record.RequestId);
        // Write-once: read-only on disk (even root, which ignores the flag, is refused by the store's own check).
        string receiptPath = Path.Combine(h.Store.Root, "reports", summary.ReportKey, "exchanges", result.ReceiptExchange + ".xml");
        Assert.True(File.GetAttributes(receiptPath).HasFlag(FileAttributes.ReadOnly));
        Assert.Throws<IOException>(() => Safeguard.Evidence.EvidenceJson.WriteOnce(receiptPath, [1]));
        // Preservation clocks started at finish: the files are kept one year from now.
        foreach (var obj in h.Vault.List().Where(o => o.Kind == Safeguard.Evidence.EvidenceKind.Content))
        {
            Assert.Equal(Harness.Start + TimeSpan.FromDays(366), obj.RetainUntil);
        }
        // Sending again is idempotent: no new calls.
        var again = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.Finished, again.Status);
        Assert.Equal(1, h.Server.Calls["submit"]);
    }

    [Fact]
    public async Task Send_ServerErrors_RetriesWithBackoffAndFilesOnce()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        h.Server.Inject("submit", new Fault(FaultKind.Http503Html));
        h.Server.Inject("upload", new Fault(FaultKind.Code, 1111, 500), new Fault(FaultKind.Http503Html));
        h.Server.Inject("finish", new Fault(FaultKind.Code, 1000, 500));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Single(h.Server.Reports);
        var journal = h.Store.ReadJournal(summary.ReportKey);
        Assert.Equal(4, journal.Count(e => e.Type == ReportEvents.Failed));
        // Backoff waited on the (fake) clock rather than sleeping.
        Assert.True(h.Clock.GetUtcNow() > Harness.Start);
    }

    [Fact]
    public async Task Send_ValidationError4100OnSubmit_StopsWithNothingOpened()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        h.Server.Inject("submit", new Fault(FaultKind.Code, 4100, 400));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.NeedsAttention, result.Status);
        Assert.Contains("4100", result.Problem, StringComparison.Ordinal);
        Assert.Empty(h.Server.Reports);
        Assert.Equal(1, h.Server.Calls["submit"]); // not retried as-is
    }

    [Fact]
    public async Task Send_ValidationError4100OnFileInfo_RetractsTheOpenReport()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        h.Server.Inject("fileinfo", new Fault(FaultKind.Code, 4100, 400));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.NeedsAttention, result.Status);
        Assert.Equal("retracted", Assert.Single(h.Server.Reports).State);
        Assert.Empty(h.Server.Finished);
        // The operator resends after fixing: a fresh report is filed, once.
        var resent = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.Finished, resent.Status);
        Assert.Single(h.Server.Finished);
    }

    [Fact]
    public async Task Send_DraftFailingLocalSchema_SendsNothing()
    {
        await using var h = await Harness.CreateAsync();
        var stored = h.Vault.Put([1, 2, 3], Safeguard.Evidence.EvidenceKind.Content, "test");
        var request = Samples.Request([Samples.Item(stored.Id, [1, 2, 3], 0)]) with
        {
            // The schema requires countryCallingCode to match \+[0-9]{1,3}.
            Users = new Dictionary<string, ReportedUser> { ["user-4711"] = Samples.User() with { Phones = [new PhoneNumber("5550123", "0044")] } },
        };
        var summary = Assert.Single(h.Engine.Draft(request));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.NeedsAttention, result.Status);
        Assert.NotEmpty(result.ValidationErrors);
        Assert.Contains("countryCallingCode", result.ValidationErrors[0], StringComparison.Ordinal);
        Assert.False(h.Server.Calls.ContainsKey("submit"));
    }

    [Fact]
    public async Task Send_TimeoutOnFinishBeforeServerSawIt_CallsFinishAgain()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        h.Server.Inject("finish", new Fault(FaultKind.HangBeforeProcessing));
        var result = await h.Sender(timeout: TimeSpan.FromMilliseconds(400)).SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Calls["finish"]);
    }

    [Fact]
    public async Task Send_TimeoutAfterUploadProcessed_RetractsAndRefilesCleanly()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        h.Server.Inject("upload", new Fault(FaultKind.HangAfterProcessing));
        var result = await h.Sender(timeout: TimeSpan.FromMilliseconds(400)).SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Reports.Count);
        Assert.Equal("retracted", h.Server.Reports[0].State);
        // The filed report holds each file exactly once.
        Assert.Equal(2, h.Server.Finished.Single().Files.Count);
    }

    [Fact]
    public async Task Send_ConnectionDroppedAfterFinishProcessed_TreatsAlreadyFinishedAsFiled()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        h.Server.Inject("finish", new Fault(FaultKind.DropAfterProcessing));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Single(h.Server.Reports);
        var finished = h.Store.ReadJournal(summary.ReportKey).Single(e => e.Type == ReportEvents.Finished);
        Assert.Equal(5102, finished.Code);
    }

    [Fact]
    public async Task Send_ConnectionDroppedBetweenUploadAndFinish_FilesOnce()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        h.Server.Inject("finish", new Fault(FaultKind.DropBeforeProcessing));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Single(h.Server.Reports);
    }

    [Fact]
    public async Task Send_WrongMd5Once_ReuploadsAndDescribesOnlyTheGoodCopy()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        h.Server.Inject("upload", new Fault(FaultKind.WrongMd5));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Calls["upload"]);
        Assert.Single(h.Server.Finished.Single().FileDetails);
    }

    [Fact]
    public async Task Send_WrongMd5Twice_RetractsAndStartsAgain()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        h.Server.Inject("upload", new Fault(FaultKind.WrongMd5), new Fault(FaultKind.WrongMd5));
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal("retracted", h.Server.Reports[0].State);
    }

    [Theory]
    [InlineData("submit", true)]
    [InlineData("submit", false)]
    [InlineData("upload", true)]
    [InlineData("upload", false)]
    [InlineData("fileinfo", true)]
    [InlineData("finish", true)]
    [InlineData("finish", false)]
    public async Task Send_ProcessRestartMidReport_NewInstanceResumesWithoutFilingTwice(string endpoint, bool afterServerAnswered)
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        var crashing = h.Sender(new CrashingHandler(endpoint, onCall: 1, afterServerAnswered));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SendAsync(summary.ReportKey, Ct));
        h.Clock.Advance(TimeSpan.FromMinutes(3));
        // A new process: new client and sender over the same store and vault; the start-up sweep resumes it.
        var results = await h.Sender().SweepAsync(Ct);
        var result = Assert.Single(results);
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Finished.Single().Files.Count);
        Assert.DoesNotContain(h.Server.Reports, r => r.State == "open" && r.Files.Count > 0);
    }

    [Fact]
    public async Task Sweep_AfterCrashWithinWindow_FinishesTheSameReport()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(2);
        // Crash before the second upload leaves the wire: the first upload is journaled as done.
        var crashing = h.Sender(new CrashingHandler("upload", onCall: 2, afterServerAnswered: false));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SendAsync(summary.ReportKey, Ct));
        h.Clock.Advance(TimeSpan.FromMinutes(30));
        var result = Assert.Single(await h.Sender().SweepAsync(Ct));
        AssertFiledOnceWithAllFiles(h, result, files);
    }

    [Fact]
    public async Task Sweep_PastAbandonmentDeadline_StartsANewReportAndNeverTouchesTheOldOne()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        var crashing = h.Sender(new CrashingHandler("upload", onCall: 1, afterServerAnswered: false));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SendAsync(summary.ReportKey, Ct));
        h.Clock.Advance(TimeSpan.FromHours(25));
        var result = Assert.Single(await h.Sender().SweepAsync(Ct));
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal(2, h.Server.Reports.Count);
        Assert.Contains(h.Store.ReadJournal(summary.ReportKey), e => e.Type == ReportEvents.Abandoned);
        Assert.NotEqual(h.Server.Reports[0].Id, result.ReportId);
    }

    [Fact]
    public async Task Sweep_InsideTheDeadlineMargin_RetractsRatherThanRiskingFinish()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, files) = h.DraftFileCase(1);
        var crashing = h.Sender(new CrashingHandler("fileinfo", onCall: 1, afterServerAnswered: false));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SendAsync(summary.ReportKey, Ct));
        // 24 h after opening minus 5 minutes: inside the 10-minute margin.
        h.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(5));
        var result = Assert.Single(await h.Sender().SweepAsync(Ct));
        AssertFiledOnceWithAllFiles(h, result, files);
        Assert.Equal("retracted", h.Server.Reports[0].State);
    }

    [Fact]
    public async Task FakeServer_AbandonmentRule_IsMaxOfOpenedPlus24hAndModifiedPlus1h()
    {
        await using var h = await Harness.CreateAsync();
        using var http = new HttpClient();
        var client = new CyberTiplineClient(http, h.Server.BaseUri, FakeCyberTipline.Username, FakeCyberTipline.Password, CyberTiplineEnvironment.Test);
        var (summary, _) = h.DraftFileCase(1);
        var draft = h.Engine.ReadDraft(summary.ReportKey, "test", "test");
        byte[] xml = CyberTiplineXml.ToBytes(CyberTiplineXml.BuildReport(draft));

        var a = await client.SubmitAsync(xml, Ct);
        h.Clock.Advance(TimeSpan.FromHours(23.5));
        var upload = await client.UploadAsync(a.ReportId!.Value, [1, 2, 3], "f", Ct);
        Assert.True(upload.IsSuccess);
        h.Clock.Advance(TimeSpan.FromHours(0.9)); // 24.4 h after opening, 0.9 h after the upload
        Assert.True((await client.FinishAsync(a.ReportId.Value, Ct)).IsSuccess);

        var b = await client.SubmitAsync(xml, Ct);
        h.Clock.Advance(TimeSpan.FromHours(24));
        var late = await client.FinishAsync(b.ReportId!.Value, Ct);
        Assert.Equal(5001, late.ResponseCode);
        Assert.Equal(400, late.HttpStatus);
        Assert.Equal(ResponseDisposition.Restart, ResponseCodes.Classify(late));
    }

    [Fact]
    public async Task Retract_OpenReport_RetractsAtNcmecAndWithdraws()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        var crashing = h.Sender(new CrashingHandler("finish", onCall: 1, afterServerAnswered: false));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => crashing.SendAsync(summary.ReportKey, Ct));
        var result = await h.Sender().RetractAsync(summary.ReportKey, "operator-1", "filed in error", Ct);
        Assert.Equal(ReportStatus.Withdrawn, result.Status);
        Assert.Equal("retracted", Assert.Single(h.Server.Reports).State);
        // A withdrawn report is not sent again, and a sweep leaves it alone.
        Assert.Equal(ReportStatus.Withdrawn, (await h.Sender().SendAsync(summary.ReportKey, Ct)).Status);
        Assert.Empty(await h.Sender().SweepAsync(Ct));
        Assert.Empty(h.Server.Finished);
    }

    [Fact]
    public async Task Retract_FinishedReport_IsRefused()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        await h.Sender().SendAsync(summary.ReportKey, Ct);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => h.Sender().RetractAsync(summary.ReportKey, "op", "x", Ct));
        Assert.Contains("cannot be retracted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WrongCredentials_StopsWithoutRetrying()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        using var http = new HttpClient();
        var client = new CyberTiplineClient(http, h.Server.BaseUri, "someone", "wrong", CyberTiplineEnvironment.Test);
        var sender = new NcmecReportSender(h.Store, h.Vault, client, new FixedCyberTiplineSchemaSource(h.Schema), h.Clock);
        var result = await sender.SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.NeedsAttention, result.Status);
        Assert.Contains("2000", result.Problem, StringComparison.Ordinal);
        Assert.Empty(h.Server.Reports);
    }

    [Fact]
    public async Task Send_TextOnlyEnticementCase_UploadsTranscriptAsSupplemental()
    {
        await using var h = await Harness.CreateAsync();
        var request = Samples.Request([], ReportPriority.P1) with
        {
            IncidentType = IncidentType.OnlineEnticementOfChildren,
            Conversations = new Dictionary<string, ConfirmedConversation> { ["user-4711"] = Samples.Conversation() },
        };
        var summary = Assert.Single(h.Engine.Draft(request));
        Assert.True(summary.TextOnly);
        var result = await h.Sender().SendAsync(summary.ReportKey, Ct);
        Assert.Equal(ReportStatus.Finished, result.Status);
        var filed = Assert.Single(h.Server.Finished);
        var report = XDocument.Parse(filed.ReportXml).Root!;
        Assert.Equal("Online Enticement of Children for Sexual Acts", report.Element("incidentSummary")!.Element("incidentType")!.Value);
        Assert.Equal("Reviewer judged an imminent risk to a child.", report.Element("incidentSummary")!.Element("escalateToHighPriority")!.Value);
        Assert.Contains("which school", report.Element("internetDetails")!.Element("chatImIncident")!.Element("content")!.Value, StringComparison.Ordinal);
        var details = XDocument.Parse(Assert.Single(filed.FileDetails.Values)).Root!;
        Assert.Equal("Supplemental Reported", details.Element("fileRelevance")!.Value);
        Assert.Equal("conversation.csv", details.Element("originalFileName")!.Value);
    }
}
