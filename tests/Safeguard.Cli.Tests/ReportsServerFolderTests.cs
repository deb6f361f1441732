// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using Safeguard.Evidence;
using Safeguard.Hosting.Reporting;
using Safeguard.Records;
using Safeguard.Reporting;
using Safeguard.Reporting.Tests;
using Safeguard.Storage;

namespace Safeguard.Cli.Tests;

/// <summary>
/// <c>safeguard reports</c> against a server's data folder: the default directory is DATA/reporting,
/// and the vault reads of a send are entries of the server database's audit chain, which
/// <c>safeguard audit verify</c> then checks.
/// </summary>
public sealed class ReportsServerFolderTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sg-cli-server-reports-" + Guid.NewGuid().ToString("N"));
    private readonly string _keys = "current=k1;k1=" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private FakeCyberTipline _ncmec = null!;
    private string _reportKey = "";

    public async ValueTask InitializeAsync()
    {
        _ncmec = await FakeCyberTipline.StartAsync(new ManualClock(DateTimeOffset.UtcNow));
        await using var database = SafeguardStores.Create(null, _data);
        await database.MigrateAsync();
        var layout = new ReportingLayout(Path.Combine(_data, "reporting"));
        layout.MarkOwnedByServer();
        var vault = new EvidenceVault(layout.Vault, MasterKeyRing.Parse(_keys), new StoreAuditSink(database));
        var engine = new ReportingEngine(new FileReportStore(layout.Store), vault,
            new ReporterSettings { Platform = "Example Chat", ReportingPerson = new ContactDetails("T", "S", "safety@example.com") }, new RoutingSettings());
        byte[] bytes = "benign generated test file for the CLI"u8.ToArray();
        var stored = vault.Put(bytes, EvidenceKind.Content, "test");
        _reportKey = engine.Draft(new ReportRequest
        {
            CaseId = "cases:1",
            IncidentType = IncidentType.ChildPornography,
            Priority = ReportPriority.P3,
            Items =
            [
                new ConfirmedItem
                {
                    ContentRef = "c1", ReportedUserId = "u1", VaultObjectId = stored.Id,
                    OriginalHashes = [new FileHash("MD5", Convert.ToHexStringLower(MD5.HashData(bytes)))],
                    Detection = new DetectionInfo(DetectionMethod.HashMatch), ConfirmedAt = DateTimeOffset.UtcNow.AddMinutes(-1), ConfirmedBy = "r1",
                },
            ],
            Users = new Dictionary<string, ReportedUser> { ["u1"] = new() { EspIdentifier = "u1" } },
            DecidedBy = "r1",
        }).Single().ReportKey;
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
    public async Task Send_InTheServerFolder_IsAuditedInTheServerChain_AndVerifies()
    {
        var list = await CliRunner.RunAsync(["reports", "list", "--data", _data]);
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(_reportKey, list.StdOut, StringComparison.Ordinal);

        var xsd = Path.Combine(AppContext.BaseDirectory, "data", "ncmec", "cybertipline-report.xsd");
        var send = await CliRunner.RunAsync(["reports", "send", _reportKey[..10], "--data", _data, "--ncmec-url", _ncmec.BaseUri.ToString(), "--xsd", xsd],
            environment: new Dictionary<string, string>
            {
                ["SAFEGUARD_VAULT_KEYS"] = _keys,
                ["SAFEGUARD_NCMEC_USERNAME"] = FakeCyberTipline.Username,
                ["SAFEGUARD_NCMEC_PASSWORD"] = FakeCyberTipline.Password,
            });
        Assert.True(send.ExitCode == 0, send.StdOut + send.StdErr);
        Assert.Contains("Finished", send.StdOut, StringComparison.Ordinal);
        Assert.Single(_ncmec.Finished);
        Assert.False(File.Exists(Path.Combine(_data, "reporting", "audit.jsonl")), "a server folder keeps no separate audit file");

        await using (var database = SafeguardStores.Create(null, _data))
        {
            var entries = new List<ChainEntry>();
            await foreach (var e in database.ReadAuditAsync())
            {
                entries.Add(e);
            }
            Assert.Contains(entries, e => e.Kind == "evidence.read" && e.Payload.Contains("ncmec-sender", StringComparison.Ordinal));
        }
        var verify = await CliRunner.RunAsync(["audit", "verify", "--data", _data]);
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("audit log verified", verify.StdOut, StringComparison.Ordinal);
    }
}
