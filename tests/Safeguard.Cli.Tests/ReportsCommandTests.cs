// SPDX-License-Identifier: Apache-2.0
using Safeguard.Evidence;
using Safeguard.Reporting;

namespace Safeguard.Cli.Tests;

public sealed class ReportsCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "sg-cli-reports-" + Guid.NewGuid().ToString("N"));
    private readonly string _keyFile;
    private readonly string _reportKey;

    public ReportsCommandTests()
    {
        var layout = new ReportingLayout(_dir);
        var keys = MasterKeyRing.Generate("k1");
        _keyFile = Path.Combine(_dir, "keys.json");
        Directory.CreateDirectory(_dir);
        keys.Save(_keyFile);
        var vault = new EvidenceVault(layout.Vault, keys, new FileAuditSink(layout.AuditFile));
        var engine = new ReportingEngine(new FileReportStore(layout.Store), vault,
            new ReporterSettings { Platform = "Example Chat", ReportingPerson = new ContactDetails("T", "S", "safety@example.com") },
            new RoutingSettings());
        var stored = vault.Put([1, 2, 3], EvidenceKind.Content, "test");
        var summary = engine.Draft(new ReportRequest
        {
            CaseId = "case-cli-1",
            IncidentType = IncidentType.ChildPornography,
            Priority = ReportPriority.P2,
            Items =
            [
                new ConfirmedItem
                {
                    ContentRef = "c1", ReportedUserId = "u1", VaultObjectId = stored.Id,
                    Detection = new DetectionInfo(DetectionMethod.HashMatch), ConfirmedAt = DateTimeOffset.UtcNow.AddMinutes(-1), ConfirmedBy = "r1",
                },
            ],
            Users = new Dictionary<string, ReportedUser> { ["u1"] = new() { EspIdentifier = "u1" } },
            DecidedBy = "r1",
        }).Single();
        _reportKey = summary.ReportKey;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task List_ShowsTheDraft()
    {
        var r = await CliRunner.RunAsync(["reports", "list", "--dir", _dir]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(_reportKey, r.StdOut, StringComparison.Ordinal);
        Assert.Contains("Draft", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("P2", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_ByPrefix_PrintsStatusAndJournal()
    {
        var r = await CliRunner.RunAsync(["reports", "show", _reportKey[..8], "--dir", _dir]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("case-cli-1", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("Child Pornography (possession, manufacture, and distribution)", r.StdOut, StringComparison.Ordinal);
        Assert.Contains("drafted", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_UnknownOrShortKey_IsAUsageError()
    {
        var unknown = await CliRunner.RunAsync(["reports", "show", "ffffffff", "--dir", _dir]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no report matches", unknown.StdErr, StringComparison.Ordinal);
        var shortKey = await CliRunner.RunAsync(["reports", "show", "ab", "--dir", _dir]);
        Assert.Equal(2, shortKey.ExitCode);
        var noStore = await CliRunner.RunAsync(["reports", "list", "--dir", Path.Combine(_dir, "missing")]);
        Assert.Equal(2, noStore.ExitCode);
        Assert.Contains("no report store", noStore.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithoutCredentials_IsAUsageErrorAndChangesNothing()
    {
        var r = await CliRunner.RunAsync(["reports", "send", _reportKey, "--dir", _dir, "--key-file", _keyFile]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("SAFEGUARD_NCMEC_USERNAME", r.StdErr, StringComparison.Ordinal);
        var show = await CliRunner.RunAsync(["reports", "show", _reportKey, "--dir", _dir]);
        Assert.Contains("ncmec:         Draft", show.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retract_UnsentDraft_WithdrawsItLocally()
    {
        var r = await CliRunner.RunAsync(["reports", "retract", _reportKey, "--dir", _dir, "--key-file", _keyFile, "--reason", "duplicate case", "--actor", "op-1"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Withdrawn", r.StdOut, StringComparison.Ordinal);
        var show = await CliRunner.RunAsync(["reports", "show", _reportKey, "--dir", _dir]);
        Assert.Contains("withdrawn", show.StdOut, StringComparison.Ordinal);
        Assert.Contains("duplicate case", show.StdOut, StringComparison.Ordinal);
    }
}
