// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Hosting.Transparency;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using Safeguard.Transparency;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>
/// Transparency on the server, once per store: checks append records, figures computed through the API
/// match values worked out by hand, scopes, and a regulator bundle that catches a row edited or deleted with SQL.
/// </summary>
public abstract class TransparencyServerTests(ServerFixture fixture)
{
    private static readonly DateTimeOffset T0 = new(2024, 4, 10, 0, 0, 0, TimeSpan.Zero);

    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MatchingChecks_AppendDetectionAndAutomaticActionRecords_OthersNothing()
    {
        var log = Server.Services.GetRequiredService<IRecordLog>();
        using var client = Server.Client();
        string blockBank = NewBankName(), reviewBank = NewBankName();
        await CreateBankAsync(client, blockBank, action: "block", category: "csam");
        await CreateBankAsync(client, reviewBank, action: "review", category: "other");
        var random = new Random(7);
        string blocked = RandomHex(random, 16), reviewed = RandomHex(random, 16);
        await AddEntryAsync(client, blockBank, "md5", blocked);
        await AddEntryAsync(client, reviewBank, "md5", reviewed);
        await WaitForIndexAsync(client, blocked, "block");

        long before = (await log.GetHeadAsync(Ct)).Sequence;
        var blockedCheck = await CheckAsync(client, new { md5 = blocked }, contentRef: "upload-1001", userRef: "member-77");
        var reviewCheck = await CheckAsync(client, new { md5 = reviewed });
        Assert.Equal("allow", await DecisionAsync(client, new { md5 = RandomHex(random, 16) }));

        var entries = await log.ReadAllAsync(long.MaxValue, Ct);
        var added = entries.Where(e => e.Sequence > before).Select(e => (e.Kind, Payload: JsonDocument.Parse(e.Payload).RootElement)).ToList();
        Assert.Equal([RecordKinds.Detection, RecordKinds.Action, RecordKinds.Detection], added.Select(a => a.Kind));
        long blockedId = blockedCheck.GetProperty("checkId").GetInt64(), reviewId = reviewCheck.GetProperty("checkId").GetInt64();

        // The item and account are digests of the caller's references, worked out here independently.
        string item = "item-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("upload-1001"))[..16]);
        string account = "account-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("member-77"))[..16]);
        var detection = added[0].Payload;
        Assert.Equal($"det-{blockedId}-{blockBank}", detection.GetProperty("eventId").GetString());
        Assert.Equal(item, detection.GetProperty("itemId").GetString());
        Assert.Equal(account, detection.GetProperty("accountId").GetString());
        Assert.Equal("hash-match", detection.GetProperty("type").GetString());
        Assert.Equal("proactive", detection.GetProperty("source").GetString());
        Assert.Equal(blockBank, detection.GetProperty("bank").GetString());
        Assert.Equal("csam", detection.GetProperty("category").GetString());
        Assert.Equal("md5", detection.GetProperty("detector").GetString());
        var action = added[1].Payload;
        Assert.Equal("blocked-at-upload", action.GetProperty("action").GetString());
        Assert.True(action.GetProperty("automated").GetBoolean());
        Assert.Equal(item, action.GetProperty("itemId").GetString());
        Assert.Equal($"det-{blockedId}-{blockBank}", action.GetProperty("triggerId").GetString());
        Assert.Equal($"check-{reviewId}", added[2].Payload.GetProperty("itemId").GetString());
        Assert.DoesNotContain(entries, e => e.Payload.Contains("upload-1001", StringComparison.Ordinal) || e.Payload.Contains("member-77", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Figures_FromAGeneratedHistory_MatchHandComputedValues()
    {
        var recorder = Server.Services.GetRequiredService<ITransparencyRecorder>();
        await WriteHistoryAsync(recorder, "q2");
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Audit));
        var report = await client.GetFromJsonAsync<JsonElement>("/v1/transparency?from=2024-04-01&to=2024-07-01&variant=regulator", Ct);
        Assert.Equal("regulator", report.GetProperty("variant").GetString());
        var figures = report.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        long Count(string id) => figures[id].GetProperty("current").GetProperty("value").GetInt64();

        Assert.Equal(15, Count("detections.items"));
        Assert.Equal(12, Count("detections.type.hash-match"));
        Assert.Equal(3, Count("detections.type.manual"));
        Assert.Equal(12, Count("detections.hash.bank-q2.csam"));
        Assert.Equal(12, Count("detections.source.proactive"));
        Assert.Equal(3, Count("detections.source.user-report"));
        Assert.Equal(10, Count("actions.items.gross"));
        Assert.Equal(1, Count("actions.items.reinstated"));
        Assert.Equal(9, Count("actions.items"));
        // Durations 10, 20, …, 100 s: nearest rank ⌈0.5·10⌉ = 5th → 50, ⌈0.9·10⌉ = 9th → 90.
        Assert.Equal(50, Count("speed.detection-to-action.median"));
        Assert.Equal(90, Count("speed.detection-to-action.p90"));
        Assert.Equal(4, Count("reports.ncmec"));
        Assert.Equal(4, Count("reports.ncmec.P1"));
        Assert.Equal(3600, Count("speed.detection-to-report.ncmec.median"));
        var confirm = figures["precision.md5@1.confirm-rate"].GetProperty("current");
        Assert.Equal((8, 10), (confirm.GetProperty("numerator").GetInt64(), confirm.GetProperty("denominator").GetInt64()));
        Assert.Equal(2, Count("precision.md5@1.unreviewed"));
        Assert.Equal(2, Count("appeals.lodged"));
        Assert.Equal(1, Count("appeals.upheld"));
        Assert.Equal(1, Count("appeals.reversed"));
        // One day and two days: nearest rank gives 86400 for the median and 172800 for the 90th percentile.
        Assert.Equal(86400, Count("appeals.time-to-outcome.median"));
        Assert.Equal(172800, Count("appeals.time-to-outcome.p90"));
        // Previous period (91 days before): 5 items, so (15 − 5) / 5 = +200 %.
        Assert.Equal(5, figures["detections.items"].GetProperty("previous").GetProperty("value").GetInt64());
        Assert.Equal(2m, figures["detections.items"].GetProperty("change").GetDecimal());

        var pub = await client.GetFromJsonAsync<JsonElement>("/v1/transparency?from=2024-04-01&to=2024-07-01", Ct);
        var pubFigures = pub.GetProperty("figures").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
        Assert.Equal("<10", pubFigures["reports.ncmec"].GetProperty("current").GetProperty("value").GetString());
        Assert.Equal(15, pubFigures["detections.items"].GetProperty("current").GetProperty("value").GetInt64());

        var csv = await client.GetAsync("/v1/transparency?from=2024-04-01&to=2024-07-01&format=csv&variant=regulator", Ct);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Ct)).Split('\n');
        Assert.StartsWith("period_from,period_to,id,", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains(",detections.items,", StringComparison.Ordinal) && l.Contains(",15,", StringComparison.Ordinal));

        var html = await client.GetAsync("/v1/transparency?from=2024-04-01&to=2024-07-01&format=html", Ct);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        string page = await html.Content.ReadAsStringAsync(Ct);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scopes_AndBadParameters()
    {
        using var check = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        await ProblemAsync(await check.GetAsync("/v1/transparency?from=2024-01-01&to=2024-02-01", Ct), HttpStatusCode.Forbidden);
        using var audit = Server.Client(await Server.CreateKeyAsync(ApiScopes.Audit));
        Assert.Equal(HttpStatusCode.OK, (await audit.GetAsync("/v1/transparency?from=2024-01-01&to=2024-02-01", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Server.Client().GetAsync("/v1/transparency?from=2024-01-01&to=2024-02-01", Ct)).StatusCode);
        var appeal = new { appealId = "appeal-x1", stage = "lodged", itemId = "item-x1" };
        await ProblemAsync(await audit.PostAsJsonAsync("/v1/appeals", appeal, Ct), HttpStatusCode.Forbidden);
        using var review = Server.Client(await Server.CreateKeyAsync(ApiScopes.Review));
        Assert.Equal(HttpStatusCode.Created, (await review.PostAsJsonAsync("/v1/appeals", appeal, Ct)).StatusCode);

        var problem = await ProblemAsync(await audit.GetAsync("/v1/transparency?from=2024-02-01&to=2024-01-01&format=pdf", Ct), HttpStatusCode.BadRequest);
        Assert.Contains("to: must be after from", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("format: must be json, csv or html", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        problem = await ProblemAsync(await review.PostAsJsonAsync("/v1/appeals", new { appealId = "a", stage = "won" }, Ct), HttpStatusCode.BadRequest);
        Assert.Contains("stage", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await review.PostAsJsonAsync("/v1/appeals", new { appealId = "a", stage = "lodged", checkId = 987654321 }, Ct), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RegulatorBundle_NamesARecordEditedOrDeletedWithSql()
    {
        // Its own database: this test damages the log.
        await using var store = await TestStore.CreateAsync(fixture.Kind);
        await using var server = await TestServer.StartAsync(store);
        await WriteHistoryAsync(server.Services.GetRequiredService<ITransparencyRecorder>(), "tamper");
        using var client = server.Client(await server.CreateKeyAsync(ApiScopes.Audit));
        var bundle = await client.GetByteArrayAsync("/v1/transparency/bundle?from=2024-04-01&to=2024-07-01", Ct);
        Assert.True((await VerifyAsync(client, bundle)).GetProperty("verified").GetBoolean());

        string original = await ScalarTextAsync(store, "SELECT payload FROM transparency_records WHERE sequence = 6");
        Assert.Equal(1, await store.ExecuteRawAsync("UPDATE transparency_records SET payload = REPLACE(payload, '\"source\":\"proactive\"', '\"source\":\"staff\"') WHERE sequence = 6"));
        var edited = await VerifyAsync(client, bundle);
        Assert.False(edited.GetProperty("verified").GetBoolean());
        Assert.Equal(6, edited.GetProperty("recordSequence").GetInt64());
        Assert.Contains("edited", edited.GetProperty("message").GetString(), StringComparison.Ordinal);
        var refused = await ProblemAsync(await client.GetAsync("/v1/transparency?from=2024-04-01&to=2024-07-01", Ct), HttpStatusCode.Conflict);
        Assert.Contains("record 6 was edited", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await store.ExecuteRawAsync($"UPDATE transparency_records SET payload = '{original.Replace("'", "''", StringComparison.Ordinal)}' WHERE sequence = 6");
        Assert.True((await VerifyAsync(client, bundle)).GetProperty("verified").GetBoolean());
        Assert.Equal(1, await store.ExecuteRawAsync("DELETE FROM transparency_records WHERE sequence = 12"));
        var deleted = await VerifyAsync(client, bundle);
        Assert.False(deleted.GetProperty("verified").GetBoolean());
        Assert.Equal(12, deleted.GetProperty("recordSequence").GetInt64());
        Assert.Contains("deleted", deleted.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> VerifyAsync(HttpClient client, byte[] bundle)
    {
        using var content = new ByteArrayContent(bundle);
        content.Headers.ContentType = new("application/json");
        var response = await client.PostAsync("/v1/transparency/verify", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static async Task<string> ScalarTextAsync(TestStore store, string sql)
    {
        if (store.Postgres is not null)
        {
            await using var c = new Npgsql.NpgsqlConnection(store.Postgres);
            await c.OpenAsync(Ct);
            await using var cmd = new Npgsql.NpgsqlCommand(sql, c);
            return (string)(await cmd.ExecuteScalarAsync(Ct))!;
        }
        await using var s = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(store.DataDirectory, "safeguard.db")};Pooling=False");
        await s.OpenAsync(Ct);
        await using var q = s.CreateCommand();
        q.CommandText = sql;
        return (string)(await q.ExecuteScalarAsync(Ct))!;
    }

    private static async Task WaitForIndexAsync(HttpClient client, string md5, string decision)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await DecisionAsync(client, new { md5 }) != decision)
        {
            Assert.True(DateTime.UtcNow < deadline, "the index did not pick up the entry");
            await Task.Delay(50, Ct);
        }
    }

    /// <summary>
    /// A history in the second quarter of 2024 (and 5 items in the quarter before) through the recorder,
    /// as the review, report and appeal paths write it. Expected figures are worked out in the test above.
    /// </summary>
    internal static async Task WriteHistoryAsync(ITransparencyRecorder recorder, string tag)
    {
        string bank = "bank-" + tag;
        for (int i = 1; i <= 5; i++)
        {
            await recorder.RecordAsync(Detection($"{tag}-old{i}", new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i), bank), Ct);
        }
        for (int i = 1; i <= 12; i++)
        {
            var at = T0.AddHours(i);
            string item = $"{tag}-h{i}";
            await recorder.RecordAsync(Detection(item, at, bank), Ct);
            if (i <= 10)
            {
                await recorder.RecordActionAsync(ActionKind.Removed, automated: true, item, null, "det-" + item, at.AddSeconds(10 * i), cancellationToken: Ct);
            }
            if (i <= 4)
            {
                await recorder.RecordReportAsync(item, ReportRecipient.Ncmec, ReportPriority.P1, at.AddHours(1), cancellationToken: Ct);
            }
            if (i <= 10)
            {
                await recorder.RecordDecisionAsync(item, "det-" + item, i <= 8 ? DecisionOutcome.Confirm : DecisionOutcome.Clear, "reviewer-one", T0.AddDays(2), cancellationToken: Ct);
            }
        }
        for (int i = 1; i <= 3; i++)
        {
            await recorder.RecordAsync(new DetectionRecord($"det-{tag}-u{i}", T0.AddDays(1), $"{tag}-u{i}", DetectionType.Manual, DetectionSource.UserReport), Ct);
        }
        await recorder.RecordAppealAsync($"{tag}-a1", AppealStage.Lodged, true, $"{tag}-h3", null, null, T0.AddDays(3), Ct);
        await recorder.RecordAppealAsync($"{tag}-a1", AppealStage.Reversed, true, $"{tag}-h3", null, null, T0.AddDays(5), Ct);
        await recorder.RecordAppealAsync($"{tag}-a2", AppealStage.Lodged, true, $"{tag}-h5", null, null, T0.AddDays(3), Ct);
        await recorder.RecordAppealAsync($"{tag}-a2", AppealStage.Upheld, true, $"{tag}-h5", null, null, T0.AddDays(4), Ct);

        static DetectionRecord Detection(string item, DateTimeOffset at, string bank) =>
            new("det-" + item, at, item, DetectionType.HashMatch, DetectionSource.Proactive) { Bank = bank, Category = "csam", Detector = "md5", DetectorVersion = "1" };
    }
}

public sealed class SqliteTransparencyServerTests(SqliteServerFixture fixture) : TransparencyServerTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTransparencyServerTests(PostgresServerFixture fixture) : TransparencyServerTests(fixture), IClassFixture<PostgresServerFixture>;
