// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using Safeguard.Evidence;
using Safeguard.Reporting;

namespace Safeguard.Reporting.Tests;

public sealed class RoutingAndNcaTests
{
    private static readonly UkLinkEvidence UkLinked = new(SuspectInUk: true);
    private static readonly UkLinkEvidence NotLinked = new();

    [Theory]
    // The table of specs/nca-reporting.md §3.2.
    [InlineData(ProviderJurisdiction.Uk, false, false, NcmecProgress.NotSent, NcaRoute.Required)]
    [InlineData(ProviderJurisdiction.Uk, true, false, NcmecProgress.NotSent, NcaRoute.Required)]
    [InlineData(ProviderJurisdiction.Uk, false, true, NcmecProgress.Finished, NcaRoute.CoveredByNcmec)]
    [InlineData(ProviderJurisdiction.Uk, false, true, NcmecProgress.Pending, NcaRoute.AwaitingNcmecOutcome)]
    [InlineData(ProviderJurisdiction.Uk, false, true, NcmecProgress.FailedOrRetracted, NcaRoute.Required)]
    [InlineData(ProviderJurisdiction.NonUk, true, false, NcmecProgress.Finished, NcaRoute.Required)]
    [InlineData(ProviderJurisdiction.NonUk, true, true, NcmecProgress.Finished, NcaRoute.CoveredByNcmec)]
    [InlineData(ProviderJurisdiction.NonUk, false, false, NcmecProgress.NotSent, NcaRoute.MustNotReport)]
    [InlineData(ProviderJurisdiction.NonUk, false, true, NcmecProgress.Finished, NcaRoute.MustNotReport)]
    public void Router_FollowsTheSpecTable(ProviderJurisdiction jurisdiction, bool ukLinked, bool covered, NcmecProgress ncmec, NcaRoute expected)
    {
        var settings = new RoutingSettings { Jurisdiction = jurisdiction, ReportToNcmec = true, NcmecArrangementsCoverContent = covered, NcaRegistered = true };
        var decision = ReportRouter.Decide(settings, ukLinked ? UkLinked : NotLinked, ReportPriority.P3, ncmec);
        Assert.Equal(expected, decision.Nca);
        Assert.True(decision.SendToNcmec);
        Assert.NotEmpty(decision.Reasons);
        Assert.Equal(covered, decision.NcmecArrangementsCoverContent);
    }

    [Fact]
    public void Router_P1UnregisteredGetsTheEmergencyInstruction()
    {
        var settings = new RoutingSettings { Jurisdiction = ProviderJurisdiction.Uk, NcaRegistered = false };
        Assert.True(ReportRouter.Decide(settings, NotLinked, ReportPriority.P1, NcmecProgress.NotSent).CallEmergencyServicesNow);
        Assert.False(ReportRouter.Decide(settings, NotLinked, ReportPriority.P2, NcmecProgress.NotSent).CallEmergencyServicesNow);
        Assert.False(ReportRouter.Decide(settings with { NcaRegistered = true }, NotLinked, ReportPriority.P1, NcmecProgress.NotSent).CallEmergencyServicesNow);
    }

    private static async Task<(Harness H, ReportingEngine Engine, ReportSummary Summary)> UkCaseAsync(RoutingSettings routing)
    {
        var h = await Harness.CreateAsync();
        var engine = new ReportingEngine(h.Store, h.Vault, Samples.Reporter, routing, h.Clock);
        var obj = h.Vault.Put([1, 2, 3], EvidenceKind.Content, "t");
        var request = Samples.Request([Samples.Item(obj.Id, [1, 2, 3], 0) with { OriginalFileName = "<script>alert(1)</script>.jpg" }], ReportPriority.P2) with { UkLink = UkLinked };
        return (h, engine, Assert.Single(engine.Draft(request)));
    }

    [Fact]
    public async Task Nca_CoveredByFinishedNcmecReport_IsNotReferredTwice()
    {
        var (h, engine, summary) = await UkCaseAsync(new RoutingSettings { Jurisdiction = ProviderJurisdiction.Uk, NcmecArrangementsCoverContent = true, NcaRegistered = true });
        await using var _ = h;
        string drop = Path.Combine(h.Root, "nca-drop");
        var declaration = new NcaDeclaration(NcaDeclaration.StandardStatement, "reviewer-1", h.Clock.GetUtcNow());
        // Before NCMEC finishes: the NCA decision waits.
        Assert.Null(await engine.SendToNcaAsync(summary.ReportKey, new FileDropNcaSender(drop), declaration, "reviewer-1", TestContext.Current.CancellationToken));
        Assert.Equal(NcaRoute.AwaitingNcmecOutcome, engine.Show(summary.ReportKey).NcaRouting.Nca);
        await h.Sender().SendAsync(summary.ReportKey, TestContext.Current.CancellationToken);
        Assert.Null(await engine.SendToNcaAsync(summary.ReportKey, new FileDropNcaSender(drop), declaration, "reviewer-1", TestContext.Current.CancellationToken));
        Assert.Equal(NcaRoute.CoveredByNcmec, engine.Show(summary.ReportKey).NcaRouting.Nca);
        Assert.False(Directory.Exists(drop));
    }

    [Fact]
    public async Task Nca_ExemptionOff_SendsBothAndExportsJsonAndSafeHtml()
    {
        var (h, engine, summary) = await UkCaseAsync(new RoutingSettings { Jurisdiction = ProviderJurisdiction.Uk, NcmecArrangementsCoverContent = false, NcaRegistered = true });
        await using var _ = h;
        await h.Sender().SendAsync(summary.ReportKey, TestContext.Current.CancellationToken);
        string drop = Path.Combine(h.Root, "nca-drop");
        var declaration = new NcaDeclaration(NcaDeclaration.StandardStatement, "reviewer-1", h.Clock.GetUtcNow());
        var result = await engine.SendToNcaAsync(summary.ReportKey, new FileDropNcaSender(drop), declaration, "reviewer-1", TestContext.Current.CancellationToken);
        Assert.NotNull(result);
        Assert.False(result.Delivered);

        var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(drop, summary.ReportKey, "package.json"))).RootElement;
        Assert.Equal("safeguard.nca.package/1", json.GetProperty("formatTag").GetString());
        Assert.Equal("p2", json.GetProperty("priority").GetString());
        Assert.Equal("safety@example.com", json.GetProperty("reportingPerson").GetProperty("email").GetString());
        Assert.Equal(h.Server.Finished.Single().Id, json.GetProperty("ncmecReportId").GetInt64());
        var content = json.GetProperty("content")[0];
        Assert.Equal("198.51.100.7", content.GetProperty("uploadIp").GetString());
        Assert.Equal(443, content.GetProperty("uploadPort").GetInt32());
        // Login IPs older than three months are left out (Schedule 1).
        var ips = json.GetProperty("reportedAccount").GetProperty("ipCaptures");
        Assert.Equal(1, ips.GetArrayLength());
        Assert.Equal("reviewer-1", json.GetProperty("declaration").GetProperty("signedBy").GetString());

        string html = File.ReadAllText(Path.Combine(drop, summary.ReportKey, "package.html"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;.jpg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("P2:", html, StringComparison.Ordinal);

        engine.RecordNcaReference(summary.ReportKey, "NCA-2026-000123", h.Clock.GetUtcNow(), "reviewer-1");
        var overview = engine.Show(summary.ReportKey);
        Assert.Equal("NCA-2026-000123", overview.NcaReference);
        var reference = h.Vault.List().Single(o => o.Kind == EvidenceKind.AuthorityReference);
        Assert.Equal(h.Clock.GetUtcNow().AddDays((5 * 365) + 2), reference.RetainUntil);
    }

    [Fact]
    public async Task Nca_NonUkWithoutLink_MustNotReport()
    {
        await using var h = await Harness.CreateAsync();
        var (summary, _) = h.DraftFileCase(1);
        var declaration = new NcaDeclaration(NcaDeclaration.StandardStatement, "reviewer-1", h.Clock.GetUtcNow());
        Assert.Null(await h.Engine.SendToNcaAsync(summary.ReportKey, new FileDropNcaSender(Path.Combine(h.Root, "drop")), declaration, "r", TestContext.Current.CancellationToken));
        Assert.Equal(NcaRoute.MustNotReport, h.Engine.Show(summary.ReportKey).NcaRouting.Nca);
    }
}
