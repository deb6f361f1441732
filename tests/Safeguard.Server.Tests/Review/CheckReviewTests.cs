// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Cases;
using Safeguard.Server.Tests.Kit;
using Safeguard.Webhooks;
using SkiaSharp;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Review;

/// <summary>
/// The check path's review intake through the real API, once per store: a review match opens a case
/// with its evidence, allow-lists beat positive banks, shadow banks change nothing, automatic
/// decisions queue webhooks.
/// </summary>
public abstract class CheckReviewTests(ServerFixture fixture)
{
    private const string Image = "bridge-mods/aaa-orig.jpg";

    private TestServer Server => fixture.Server;

    private ICaseStore Cases => Server.Services.GetRequiredService<ICaseStore>();

    private IOutboxStore Outbox => Server.Services.GetRequiredService<IOutboxStore>();

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    private async Task<JsonElement> CheckImageAsync(HttpClient client, byte[] bytes, string contentRef, string userRef)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(contentRef), "contentRef" },
            { new StringContent(userRef), "userRef" },
            { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "file", "upload.jpg" },
        };
        var response = await client.PostAsync("/v1/check", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
    }

    private async Task<IReadOnlyList<ReviewCase>> CasesOfCheckAsync(long checkId) =>
        [.. (await Cases.QueryAsync(new CaseQuery(Limit: 10_000), TestContext.Current.CancellationToken)).Where(c => c.CheckId == checkId)];

    [Fact]
    public async Task ImageMatchingAReviewBank_OpensACaseWithItsEvidence_GroupedByUser()
    {
        using var client = Server.Client();
        var bytes = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "data", "pdq", Image), TestContext.Current.CancellationToken);
        string user = "user-" + Unique();
        var first = await CheckImageAsync(client, bytes, "c-" + Unique(), user);
        string pdq = first.GetProperty("hashes").GetProperty("pdq").GetString()!;
        string bank = NewBankName();
        await CreateBankAsync(client, bank, action: "review");
        long entryId = await AddEntryAsync(client, bank, "pdq", pdq, ["placeholder-label"]);

        string contentRef = "c-" + Unique();
        var checkResult = await CheckImageAsync(client, bytes, contentRef, user);
        Assert.Equal("review", checkResult.GetProperty("decision").GetString());
        long checkId = checkResult.GetProperty("checkId").GetInt64();
        var c = Assert.Single(await CasesOfCheckAsync(checkId));
        Assert.Equal((CaseKind.Image, CaseStatus.Open, CasePriority.Normal), (c.Kind, c.Status, c.Priority));
        Assert.Equal($"bank {bank}: review", c.Reason);
        Assert.Equal((contentRef, user), (c.Evidence.ContentRef, c.Evidence.UserRef));
        Assert.Equal(pdq, c.Evidence.Hashes["pdq"]);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), c.Evidence.Hashes["md5"]);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), c.Evidence.Hashes["sha256"]);
        var match = Assert.Single(c.Evidence.Matches);
        Assert.Equal((bank, entryId, "pdq", 0, "placeholder-label"), (match.Bank, match.EntryId, match.Kind, match.Distance, match.Labels.Single()));
        Assert.Equal(CaseService.GroupKeyFor(user), c.GroupKey);

        // The thumbnail is a reduced-size JPEG still, not the upload.
        var thumbnail = await Server.Services.GetRequiredService<IThumbnailStore>().GetAsync(c.Evidence.ThumbnailRef!, TestContext.Current.CancellationToken);
        Assert.Equal("image/jpeg", Thumbnail.Sniff(thumbnail!.Bytes));
        Assert.NotEqual(bytes, thumbnail.Bytes);
        using (var decoded = SKBitmap.Decode(thumbnail.Bytes))
        {
            Assert.Equal(320, Math.Max(decoded.Width, decoded.Height));
        }

        // A second upload by the same user lands in the same group.
        var again = await CheckImageAsync(client, bytes, "c-" + Unique(), user);
        var second = Assert.Single(await CasesOfCheckAsync(again.GetProperty("checkId").GetInt64()));
        Assert.Equal(c.GroupKey, second.GroupKey);
        Assert.NotEqual(c.Id, second.Id);
        // Nothing of the user's reference or the content went to the logs.
        Assert.DoesNotContain(Server.Logs.Lines, l => l.Contains(user, StringComparison.Ordinal) || l.Contains(contentRef, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReviewerDecisions_AreTransparencyRecords_OnePerDetectionOfTheCheck()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, action: "review");
        string md5 = Convert.ToHexStringLower(MD5.HashData(Guid.NewGuid().ToByteArray()));
        await AddEntryAsync(client, bank, "md5", md5);
        string contentRef = "c-" + Unique();
        var result = await CheckAsync(client, new { md5 }, contentRef, "user-" + Unique());
        long checkId = result.GetProperty("checkId").GetInt64();
        var c = Assert.Single(await CasesOfCheckAsync(checkId));

        var service = Server.Services.GetRequiredService<CaseService>();
        var reviewer = new Reviewer("reviewer-" + Unique(), Safeguard.Accounts.ConsoleRoles.Reviewer);
        await service.ClaimAsync(c.Id, reviewer, TestContext.Current.CancellationToken);
        await service.DecideAsync(c.Id, reviewer, CaseDecision.Confirm, "matches the listed item", cancellationToken: TestContext.Current.CancellationToken);

        var log = Server.Services.GetRequiredService<Safeguard.Transparency.IRecordLog>();
        var payloads = new List<JsonElement>();
        await foreach (var e in log.ReadAsync(cancellationToken: TestContext.Current.CancellationToken))
        {
            payloads.Add(JsonDocument.Parse(e.Payload).RootElement.Clone());
        }
        // The decision names the check's detection in this bank, and the item the detection named.
        string detectionId = $"det-{checkId}-{bank}";
        var detection = Assert.Single(payloads, p => p.TryGetProperty("eventId", out var id) && id.GetString() == detectionId);
        string itemId = detection.GetProperty("itemId").GetString()!;
        var decision = Assert.Single(payloads, p => p.TryGetProperty("detectionId", out var d) && d.GetString() == detectionId && p.TryGetProperty("outcome", out _));
        Assert.Equal("confirm", decision.GetProperty("outcome").GetString());
        Assert.Equal(itemId, decision.GetProperty("itemId").GetString());
        Assert.Contains(payloads, p => p.TryGetProperty("action", out var a) && a.GetString() == "removed"
            && !p.GetProperty("automated").GetBoolean() && p.TryGetProperty("itemId", out var i) && i.GetString() == itemId);
        // Reviewers appear only as pseudonyms.
        Assert.DoesNotContain(payloads, p => p.GetRawText().Contains(reviewer.Name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task BlockAndHold_QueueSignedActionWebhooks_AndHoldAlsoOpensACase()
    {
        using var client = Server.Client();
        string md5Block = new string('1', 24) + Unique()[..8], md5Hold = new string('2', 24) + Unique()[..8];
        string block = NewBankName(), hold = NewBankName();
        await CreateBankAsync(client, block, action: "block");
        await CreateBankAsync(client, hold, action: "hold");
        await AddEntryAsync(client, block, "md5", md5Block);
        await AddEntryAsync(client, hold, "md5", md5Hold);

        string contentRef = "c-" + Unique();
        var blocked = await CheckAsync(client, new { md5 = md5Block }, contentRef, "u-" + Unique());
        Assert.Equal("block", blocked.GetProperty("decision").GetString());
        long blockedCheck = blocked.GetProperty("checkId").GetInt64();
        Assert.Empty(await CasesOfCheckAsync(blockedCheck));
        var queued = (await Outbox.ListAsync(OutboxState.Pending, 10_000, TestContext.Current.CancellationToken))
            .Single(m => m.Payload.Contains($"\"checkId\":{blockedCheck},", StringComparison.Ordinal));
        using (var body = JsonDocument.Parse(queued.Payload))
        {
            Assert.Equal(("check.actioned", "remove", "block", contentRef, false),
                (body.RootElement.GetProperty("type").GetString(), body.RootElement.GetProperty("action").GetString(), body.RootElement.GetProperty("decision").GetString(),
                body.RootElement.GetProperty("contentRef").GetString(), body.RootElement.GetProperty("shadow").GetBoolean()));
        }

        var held = await CheckAsync(client, new { md5 = md5Hold }, "c-" + Unique(), "u-" + Unique());
        long heldCheck = held.GetProperty("checkId").GetInt64();
        Assert.Equal(CasePriority.High, Assert.Single(await CasesOfCheckAsync(heldCheck)).Priority);
        Assert.Contains(await Outbox.ListAsync(OutboxState.Pending, 10_000, TestContext.Current.CancellationToken),
            m => m.Payload.Contains($"\"checkId\":{heldCheck},", StringComparison.Ordinal) && m.Payload.Contains("\"action\":\"restrict\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowList_BeatsAPositiveMatch_ButAPdqAllowHitNeverHidesAnExactMatch()
    {
        using var client = Server.Client();
        var random = new Random(11);
        string md5 = RandomHex(random, 16), sha256 = RandomHex(random, 32);
        var pdq = RandomPdq(random);
        string positive = NewBankName(), allow = NewBankName();
        await CreateBankAsync(client, positive, action: "review");
        await CreateBankAsync(client, allow, action: "allow");
        await AddEntryAsync(client, positive, "md5", md5);
        await AddEntryAsync(client, positive, "sha256", sha256);
        await AddEntryAsync(client, positive, "pdq", pdq.ToString());
        await AddEntryAsync(client, allow, "md5", md5);
        await AddEntryAsync(client, allow, "pdq", FlipBits(pdq, 3).ToString());

        // The exact file a reviewer cleared: the allow-list wins and no case opens.
        var cleared = await CheckAsync(client, new { md5 }, "c-" + Unique());
        Assert.Equal("allow", cleared.GetProperty("decision").GetString());
        var shown = Assert.Single(cleared.GetProperty("matches").EnumerateArray());
        Assert.Equal((allow, "allow"), (shown.GetProperty("bank").GetString(), shown.GetProperty("action").GetString()));
        Assert.Empty(await CasesOfCheckAsync(cleared.GetProperty("checkId").GetInt64()));

        // A cleared look-alike cancels the PDQ hit only; the exact SHA-256 of listed material still counts.
        var lookAlike = await CheckAsync(client, new { pdq = pdq.ToString() }, "c-" + Unique());
        Assert.Equal("allow", lookAlike.GetProperty("decision").GetString());
        var exact = await CheckAsync(client, new { pdq = pdq.ToString(), sha256 }, "c-" + Unique());
        Assert.Equal("review", exact.GetProperty("decision").GetString());
        Assert.Single(await CasesOfCheckAsync(exact.GetProperty("checkId").GetInt64()));
    }

    [Fact]
    public async Task ShadowBank_ChangesNothing_ButRecordsWhatItWouldHaveSent()
    {
        using var client = Server.Client();
        var random = new Random(12);
        string md5 = RandomHex(random, 16);
        string shadowBlock = NewBankName(), shadowReview = NewBankName();
        var created = await client.PostAsJsonAsync("/v1/banks", new { name = shadowBlock, source = "internal", category = "test", action = "block", shadow = true },
            TestContext.Current.CancellationToken);
        Assert.True((await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("shadow").GetBoolean());
        await client.PostAsJsonAsync("/v1/banks", new { name = shadowReview, source = "internal", category = "test", action = "review", shadow = true },
            TestContext.Current.CancellationToken);
        await AddEntryAsync(client, shadowBlock, "md5", md5);
        await AddEntryAsync(client, shadowReview, "md5", md5);
        int casesBefore = (await Cases.QueryAsync(new CaseQuery(Limit: 10_000), TestContext.Current.CancellationToken)).Count;
        var pendingBefore = (await Outbox.ListAsync(OutboxState.Pending, 10_000, TestContext.Current.CancellationToken)).Count;

        string contentRef = "c-" + Unique();
        var result = await CheckAsync(client, new { md5 }, contentRef);
        Assert.Equal("allow", result.GetProperty("decision").GetString());
        Assert.Empty(result.GetProperty("matches").EnumerateArray());
        Assert.False(result.TryGetProperty("checkId", out _));
        Assert.Equal(casesBefore, (await Cases.QueryAsync(new CaseQuery(Limit: 10_000), TestContext.Current.CancellationToken)).Count);
        Assert.Equal(pendingBefore, (await Outbox.ListAsync(OutboxState.Pending, 10_000, TestContext.Current.CancellationToken)).Count);
        var shadow = (await Outbox.ListAsync(OutboxState.Shadow, 10_000, TestContext.Current.CancellationToken))
            .Single(m => m.Payload.Contains(contentRef, StringComparison.Ordinal));
        Assert.Contains("\"decision\":\"block\"", shadow.Payload, StringComparison.Ordinal);
        Assert.Contains("\"shadow\":true", shadow.Payload, StringComparison.Ordinal);
    }
}

public sealed class SqliteCheckReviewTests(SqliteServerFixture fixture) : CheckReviewTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresCheckReviewTests(PostgresServerFixture fixture) : CheckReviewTests(fixture), IClassFixture<PostgresServerFixture>;
