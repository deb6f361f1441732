// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Safeguard.Records;
using Safeguard.Transparency;

namespace Safeguard.Tests.Transparency;

/// <summary>Format stability of record payloads (v1) and of the JSON-lines record log (v1): these goldens only grow.</summary>
public sealed class RecordFormatTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2025, 4, 1, 12, 30, 15, 250, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-rec-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string ReportGolden = """{"v":1,"eventId":"e5","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"item-1","recipient":"nca","priority":"P1"}""";

    public static TheoryData<string, string> Goldens() => new()
    {
        {
            "detection",
            """{"v":1,"eventId":"e1","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"item-1","accountId":"acct-1","type":"hash-match","source":"proactive","bank":"bank-a","category":"csam","detector":"pdq","detectorVersion":"1","surface":"upload"}"""
        },
        { "decision", """{"v":1,"eventId":"e2","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"item-1","detectionId":"e1","outcome":"confirm","detector":"pdq","reviewer":"rev-7"}""" },
        { "action", """{"v":1,"eventId":"e3","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"item-1","action":"blocked-at-upload","automated":true,"triggerId":"e1"}""" },
        { "account-action", """{"v":1,"eventId":"e4","occurredAt":"2025-04-01T12:30:15.250Z","accountId":"acct-1","action":"account-banned","automated":false}""" },
        { "report", ReportGolden },
        { "appeal", """{"v":1,"eventId":"e6","occurredAt":"2025-04-01T12:30:15.250Z","appealId":"ap-1","actionId":"e3","stage":"reversed","aboutProactiveTech":true,"detector":"pdq"}""" },
    };

    private static TransparencyRecord Sample(string name) => name switch
    {
        "detection" => new DetectionRecord("e1", At, "item-1", DetectionType.HashMatch, DetectionSource.Proactive) { AccountId = "acct-1", Bank = "bank-a", Category = "csam", Detector = "pdq", DetectorVersion = "1", Surface = "upload" },
        "decision" => new DecisionRecord("e2", At, "item-1", "e1", DecisionOutcome.Confirm) { Detector = "pdq", Reviewer = "rev-7" },
        "action" => new ActionRecord("e3", At, ActionKind.BlockedAtUpload, true) { ItemId = "item-1", TriggerId = "e1" },
        "account-action" => new ActionRecord("e4", At, ActionKind.AccountBanned, false) { AccountId = "acct-1" },
        "report" => new AuthorityReportRecord("e5", At, "item-1", ReportRecipient.Nca, ReportPriority.P1),
        "appeal" => new AppealRecord("e6", At, "ap-1", AppealStage.Reversed) { ActionId = "e3", AboutProactiveTech = true, Detector = "pdq" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Payload_Version1_IsStable(string name, string golden)
    {
        var record = Sample(name);
        Assert.Equal(golden, RecordCodec.Serialize(record));
        Assert.Equal(record, RecordCodec.Parse(record.Kind, golden));
    }

    [Fact]
    public void Kinds_AndEnumNames_AreStable()
    {
        Assert.Equal(["transparency.detection", "transparency.decision", "transparency.action", "transparency.report", "transparency.appeal"],
            new[] { RecordKinds.Detection, RecordKinds.Decision, RecordKinds.Action, RecordKinds.Report, RecordKinds.Appeal });
        Assert.Equal(["hash-match", "url", "keyword", "grooming", "classifier", "manual"], Enum.GetValues<DetectionType>().Select(RecordNames.Name));
        Assert.Equal(["proactive", "user-report", "staff", "external-notice"], Enum.GetValues<DetectionSource>().Select(RecordNames.Name));
        Assert.Equal(["confirm", "clear", "escalate"], Enum.GetValues<DecisionOutcome>().Select(RecordNames.Name));
        Assert.Equal(["removed", "restricted", "blocked-at-upload", "account-suspended", "account-banned", "reinstated"], Enum.GetValues<ActionKind>().Select(RecordNames.Name));
        Assert.Equal(["ncmec", "nca"], Enum.GetValues<ReportRecipient>().Select(RecordNames.Name));
        Assert.Equal(["P1", "P2", "P3"], Enum.GetValues<ReportPriority>().Select(RecordNames.Name));
        Assert.Equal(["lodged", "upheld", "reversed"], Enum.GetValues<AppealStage>().Select(RecordNames.Name));
    }

    [Theory]
    [InlineData("""{"v":1,"eventId":"e","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"i","type":"hash-match","source":"proactive","bank":"b"}""", "bank and category")]
    [InlineData("""{"v":1,"eventId":"e","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"i","type":"sha","source":"proactive"}""", "type must be one of")]
    [InlineData("""{"v":1,"eventId":"e","occurredAt":"2025-04-01T12:30:15Z","itemId":"i","type":"url","source":"proactive"}""", "occurredAt is not a UTC time")]
    [InlineData("""{"v":2,"eventId":"e","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"i","type":"url","source":"proactive"}""", "version 2 is not supported")]
    [InlineData("""{"v":1,"occurredAt":"2025-04-01T12:30:15.250Z","itemId":"i","type":"url","source":"proactive"}""", "eventId is missing")]
    [InlineData("""{"v":1,"eventId":"e","occurredAt":"2025-04-01T12:30:15.250Z","itemId":"i","type":"manual","source":"proactive"}""", "manual detection cannot")]
    [InlineData("""[1,2]""", "not a JSON object")]
    [InlineData("""{"v":1,""", "not valid JSON")]
    public void Parse_BadDetection_NamesTheProblem(string payload, string expected)
    {
        var e = Assert.Throws<RecordFormatException>(() => RecordCodec.Parse(RecordKinds.Detection, payload));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_ItemActionWithoutItem_IsRefused() =>
        Assert.Throws<RecordFormatException>(() => RecordCodec.Serialize(new ActionRecord("e", At, ActionKind.Removed, false) { AccountId = "a" }));

    [Fact]
    public async Task LogLine_Version1_IsStable()
    {
        string path = Path.Combine(_dir, "log.jsonl");
        using var log = new JsonLinesRecordLog(path);
        var record = Sample("report");
        var first = await log.AppendRecordAsync(record, At, TestContext.Current.CancellationToken);
        var second = await log.AppendAsync("audit.note", "x\"y", At.AddSeconds(1), TestContext.Current.CancellationToken);

        // The hashes are recomputed here from the chain v1 layout in docs/formats.md, independently of HashChain.
        const string payload = ReportGolden;
        string hash1 = Sha(1, At, "transparency.report", payload, new byte[32]);
        string hash2 = Sha(2, At.AddSeconds(1), "audit.note", "x\"y", Convert.FromHexString(hash1));
        string expected =
            "{\"v\":1,\"seq\":1,\"time\":\"2025-04-01T12:30:15.250Z\",\"kind\":\"transparency.report\",\"payload\":\"" + payload.Replace("\"", "\\\"", StringComparison.Ordinal) + "\",\"prev\":\"" + new string('0', 64) + "\",\"hash\":\"" + hash1 + "\"}\n"
            + "{\"v\":1,\"seq\":2,\"time\":\"2025-04-01T12:30:16.250Z\",\"kind\":\"audit.note\",\"payload\":\"x\\\"y\",\"prev\":\"" + hash1 + "\",\"hash\":\"" + hash2 + "\"}\n";
        Assert.Equal(expected, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
        Assert.Equal(hash2, HashChain.ToHex(second.Hash));

        var read = await log.ReadAllAsync(cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(2, read.Count);
        Assert.Equal(first.Payload, read[0].Payload);
        Assert.True(HashChain.Verify(read).IsValid);
        var head = await log.GetHeadAsync(TestContext.Current.CancellationToken);
        Assert.Equal((2L, hash2), (head.Sequence, head.HashHex));
        Assert.Equal(record, RecordCodec.Read(read[0]));
        Assert.Null(RecordCodec.Read(read[1]));
    }

    private static string Sha(long seq, DateTimeOffset time, string kind, string payload, byte[] prev)
    {
        var bytes = new List<byte>();
        bytes.AddRange("SGCHAIN1"u8.ToArray());
        var n = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(n, seq);
        bytes.AddRange(n);
        BinaryPrimitives.WriteInt64BigEndian(n, time.ToUnixTimeMilliseconds());
        bytes.AddRange(n);
        foreach (string s in new[] { kind, payload })
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)b.Length);
            bytes.AddRange(len);
            bytes.AddRange(b);
        }
        bytes.AddRange(prev);
        return Convert.ToHexStringLower(SHA256.HashData([.. bytes]));
    }

    [Fact]
    public async Task Append_ContinuesAnExistingFile_AcrossInstances()
    {
        string path = Path.Combine(_dir, "log.jsonl");
        using (var log = new JsonLinesRecordLog(path))
        {
            await log.AppendAsync("k", "1", At, TestContext.Current.CancellationToken);
        }
        using (var log = new JsonLinesRecordLog(path))
        {
            var e = await log.AppendAsync("k", "2", At, TestContext.Current.CancellationToken);
            Assert.Equal(2, e.Sequence);
            Assert.True(HashChain.Verify(await log.ReadAllAsync(cancellationToken: TestContext.Current.CancellationToken)).IsValid);
        }
    }

    [Theory]
    [InlineData("torn", "no newline")]
    [InlineData("garbage", "line 2: not valid JSON")]
    [InlineData("version", "line format version 9")]
    [InlineData("hash", "\"hash\" is not 64 hex digits")]
    public async Task DamagedFile_IsNamedByLine_AndAppendLeavesItUntouched(string damage, string expected)
    {
        string path = Path.Combine(_dir, "log.jsonl");
        using var log = new JsonLinesRecordLog(path);
        await log.AppendAsync("k", "1", At, TestContext.Current.CancellationToken);
        string good = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        string bad = damage switch
        {
            "torn" => good + good[..20],
            "garbage" => good + "not json\n",
            "version" => good + good.Replace("\"v\":1", "\"v\":9", StringComparison.Ordinal),
            _ => good.Replace("\"hash\":\"", "\"hash\":\"zz", StringComparison.Ordinal),
        };
        await File.WriteAllTextAsync(path, bad, TestContext.Current.CancellationToken);

        var read = await Assert.ThrowsAsync<RecordLogFormatException>(() => log.ReadAllAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains(expected, read.Message, StringComparison.Ordinal);
        using var other = new JsonLinesRecordLog(path);
        await Assert.ThrowsAsync<RecordLogFormatException>(() => other.AppendAsync("k", "2", At, TestContext.Current.CancellationToken));
        Assert.Equal(bad, await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task OverlongLine_IsRefusedWithoutReadingItAll()
    {
        string path = Path.Combine(_dir, "log.jsonl");
        await File.WriteAllTextAsync(path, new string('x', JsonLinesRecordLog.MaxLineLength + 10) + "\n", TestContext.Current.CancellationToken);
        using var log = new JsonLinesRecordLog(path);
        var e = await Assert.ThrowsAsync<RecordLogFormatException>(() => log.ReadAllAsync(cancellationToken: TestContext.Current.CancellationToken));
        Assert.Contains("line 1: longer than", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(225, 974, 1, 100, "23.1")]
    [InlineData(1, 8, 2, 1, "0.13")]      // 0.125: half away from zero
    [InlineData(-1, 8, 2, 1, "-0.13")]
    [InlineData(1, 3, 4, 1, "0.3333")]
    [InlineData(-1, 1000, 1, 100, "-0.1")]
    [InlineData(-1, 10000, 1, 100, "0.0")]  // rounds to zero: no sign
    [InlineData(5, 1, 0, 1, "5")]
    public void Rational_Format_RoundsHalfAwayFromZero(long n, long d, int decimals, long scale, string expected) =>
        Assert.Equal(expected, new Rational(n, d).Format(decimals, scale));

    [Fact]
    public void Rational_SignedPercent()
    {
        Assert.Equal("+23.1 %", new Rational(225, 974).FormatSignedPercent());
        Assert.Equal("-2.6 %", new Rational(-8, 309).FormatSignedPercent());
        Assert.Equal("0.0 %", new Rational(0, 5).FormatSignedPercent());
    }
}
