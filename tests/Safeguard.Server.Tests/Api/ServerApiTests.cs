// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Hosting.Checks;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>
/// The API suite, run once per store by the derived classes below: the same assertions hold on
/// SQLite and on PostgreSQL.
/// </summary>
public abstract class ServerApiTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private readonly Random _random = new(Environment.TickCount);

    [Fact]
    public async Task Health_AnswersWithoutAKey()
    {
        using var client = Server.Client("");
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_NeedsAKey_AndReportsIndexAndDatabase()
    {
        using var anonymous = Server.Client("");
        await ProblemAsync(await anonymous.GetAsync("/ready", TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized);
        using var client = Server.Client();
        var ready = await client.GetFromJsonAsync<JsonElement>("/ready", TestContext.Current.CancellationToken);
        Assert.True(ready.GetProperty("indexLoaded").GetBoolean());
        Assert.True(ready.GetProperty("databaseReachable").GetBoolean());
    }

    [Theory]
    [InlineData("")]
    [InlineData("sgk_notARealKeyAtAll")]
    [InlineData("sgk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Endpoints_WithoutAValidKey_Answer401(string key)
    {
        using var client = Server.Client(key);
        if (key.Length == 0)
        {
            client.DefaultRequestHeaders.Authorization = null;
        }
        foreach (var path in new[] { "/v1/banks", "/metrics", "/openapi/v1.json", "/v1/checks" })
        {
            var problem = await ProblemAsync(await client.GetAsync(path, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized);
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        }
        var check = await client.PostAsJsonAsync("/v1/check", new { hashes = new { md5 = RandomHex(_random, 16) } }, TestContext.Current.CancellationToken);
        await ProblemAsync(check, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task RevokedKey_Answers401()
    {
        var (key, token) = await Server.Store.CreateApiKeyAsync("soon revoked", ApiScopes.Check, null, "test", TestContext.Current.CancellationToken);
        await Server.Store.RevokeApiKeyAsync(key.Id, "test", TestContext.Current.CancellationToken);
        using var client = Server.Client(token);
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { hashes = new { md5 = RandomHex(_random, 16) } }, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized);
        Assert.Contains("revoked", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckOnlyKey_CannotCurate_403NamesTheScope()
    {
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        var problem = await ProblemAsync(await client.GetAsync("/v1/banks", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        Assert.Contains("curate", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await client.GetAsync("/v1/checks", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        await ProblemAsync(await client.GetAsync("/v1/audit/verify", TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CurateKey_CannotCheck()
    {
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Curate));
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/v1/check", new { hashes = new { md5 = RandomHex(_random, 16) } }, TestContext.Current.CancellationToken), HttpStatusCode.Forbidden);
        Assert.Contains("'check'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateBank_Returns201_AndAppearsInList()
    {
        using var client = Server.Client();
        string name = NewBankName();
        var response = await client.PostAsJsonAsync("/v1/banks", new { name, source = "IWF", category = "CSAM", radius = 40, action = "hold", description = "d" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v1/banks/{name}", response.Headers.Location?.OriginalString);
        var list = await client.GetFromJsonAsync<JsonElement>("/v1/banks", TestContext.Current.CancellationToken);
        var bank = list.GetProperty("banks").EnumerateArray().Single(b => b.GetProperty("name").GetString() == name);
        Assert.Equal("IWF", bank.GetProperty("source").GetString());
        Assert.Equal("CSAM", bank.GetProperty("category").GetString());
        Assert.Equal(40, bank.GetProperty("radius").GetInt32());
        Assert.Equal("hold", bank.GetProperty("action").GetString());
        Assert.True(bank.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task CreateBank_DuplicateName_Is409()
    {
        using var client = Server.Client();
        string name = NewBankName();
        await CreateBankAsync(client, name);
        var response = await client.PostAsJsonAsync("/v1/banks", new { name, source = "x", category = "y", action = "block" }, TestContext.Current.CancellationToken);
        await ProblemAsync(response, HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData("""{"name":"ok-name","source":"s","category":"c","radius":500,"action":"block"}""", "radius")]
    [InlineData("""{"name":"ok-name","source":"s","category":"c","action":"delete-everything"}""", "action")]
    [InlineData("""{"name":"bad name/../","source":"s","category":"c","action":"block"}""", "name")]
    [InlineData("""{"name":"ok-name","category":"c","action":"block"}""", "source")]
    [InlineData("""{"name":"ok-name","source":"s","category":"c","action":"block","raduis":3}""", "raduis")]
    [InlineData("""{"name":"ok-name","source":"s","category":"c","radius":"wide","action":"block"}""", "radius")]
    [InlineData("""{"name":"ok-name",""", "body")]
    [InlineData("""[1,2,3]""", "body")]
    public async Task CreateBank_BadField_Is400NamingIt_AndStoresNothing(string json, string field)
    {
        using var client = Server.Client();
        long audit = await AuditLengthAsync(Server);
        var response = await client.PostAsync("/v1/banks", TextBody(json, "application/json"), TestContext.Current.CancellationToken);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Equal(audit, await AuditLengthAsync(Server));
        Assert.Null(await Server.Store.GetBankAsync("ok-name", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateBank_NotJson_Is415()
    {
        using var client = Server.Client();
        await ProblemAsync(await client.PostAsync("/v1/banks", TextBody("name=x"), TestContext.Current.CancellationToken), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task UnknownBank_Is404_Everywhere()
    {
        using var client = Server.Client();
        string name = NewBankName();
        await ProblemAsync(await client.GetAsync($"/v1/banks/{name}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsJsonAsync($"/v1/banks/{name}/entries", new { kind = "md5", value = RandomHex(_random, 16) }, TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsync($"/v1/banks/{name}/import", TextBody("md5 " + RandomHex(_random, 16)), TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync($"/v1/banks/{name}/export", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PatchAsJsonAsync($"/v1/banks/{name}", new { radius = 3 }, TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
        await ProblemAsync(await client.DeleteAsync($"/v1/banks/{name}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("pdq", "abc", "value")]
    [InlineData("pdq", "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "value")]
    [InlineData("md5", "0123456789abcdef0123456789abcdef00", "value")]
    [InlineData("crc32", "01234567", "kind")]
    public async Task AddEntry_MalformedHash_Is400NamingTheField(string kind, string value, string field)
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        var problem = await ProblemAsync(await client.PostAsJsonAsync($"/v1/banks/{bank}/entries", new { kind, value }, TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/banks/{bank}/entries", TestContext.Current.CancellationToken);
        Assert.Equal(0, page.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task AddedPdq_IsMatchedByTheNextCheck_WithinTheBankRadiusOnly()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, radius: 20);
        var stored = RandomPdq(_random);
        long id = await AddEntryAsync(client, bank, "pdq", stored.ToString(), ["known"], "ext-1");

        var near = await CheckAsync(client, new { pdq = FlipBits(stored, 20).ToString() });
        Assert.Equal("block", near.GetProperty("decision").GetString());
        var match = near.GetProperty("matches").EnumerateArray().Single(m => m.GetProperty("bank").GetString() == bank);
        Assert.Equal(id, match.GetProperty("entryId").GetInt64());
        Assert.Equal(20, match.GetProperty("distance").GetInt32());
        Assert.Equal("known", match.GetProperty("labels")[0].GetString());
        Assert.Equal("ext-1", match.GetProperty("externalId").GetString());

        var far = await CheckAsync(client, new { pdq = FlipBits(stored, 21).ToString() });
        Assert.DoesNotContain(far.GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == bank);
    }

    [Fact]
    public async Task ExactDigests_MatchExactly()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, action: "review");
        string md5 = RandomHex(_random, 16), sha1 = RandomHex(_random, 20), sha256 = RandomHex(_random, 32);
        await AddEntryAsync(client, bank, "md5", md5.ToUpperInvariant());
        await AddEntryAsync(client, bank, "sha1", sha1);
        await AddEntryAsync(client, bank, "sha256", sha256);
        Assert.Equal("review", await DecisionAsync(client, new { md5 }));
        Assert.Equal("review", await DecisionAsync(client, new { sha1 = sha1.ToUpperInvariant() }));
        Assert.Equal("review", await DecisionAsync(client, new { sha256 }));
        Assert.Equal("allow", await DecisionAsync(client, new { md5 = RandomHex(_random, 16) }));
    }

    [Fact]
    public async Task Decision_IsTheStrictestActionAmongMatchingBanks()
    {
        using var client = Server.Client();
        string md5 = RandomHex(_random, 16);
        foreach (var action in new[] { "report", "block", "review" })
        {
            string bank = NewBankName();
            await CreateBankAsync(client, bank, action: action);
            await AddEntryAsync(client, bank, "md5", md5);
        }
        var result = await CheckAsync(client, new { md5 });
        Assert.Equal("block", result.GetProperty("decision").GetString());
        Assert.Equal(3, result.GetProperty("matches").GetArrayLength());

        string sha1 = RandomHex(_random, 20);
        foreach (var action in new[] { "report", "hold", "review" })
        {
            string bank = NewBankName();
            await CreateBankAsync(client, bank, action: action);
            await AddEntryAsync(client, bank, "sha1", sha1);
        }
        Assert.Equal("hold", await DecisionAsync(client, new { sha1 }));
    }

    [Fact]
    public async Task CheckOnlyCaller_LearnsDecisionAndBank_NotEntryDetails()
    {
        using var admin = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(admin, bank);
        string md5 = RandomHex(_random, 16);
        await AddEntryAsync(admin, bank, "md5", md5, ["secret-label"], "secret-external-id");
        using var checker = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        var response = await checker.PostAsJsonAsync("/v1/check", new { hashes = new { md5 } }, TestContext.Current.CancellationToken);
        string body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var result = JsonSerializer.Deserialize<JsonElement>(body);
        Assert.Equal("block", result.GetProperty("decision").GetString());
        var match = result.GetProperty("matches")[0];
        Assert.Equal(bank, match.GetProperty("bank").GetString());
        Assert.False(match.TryGetProperty("entryId", out _));
        Assert.False(match.TryGetProperty("labels", out _));
        Assert.DoesNotContain("secret-label", body, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-external-id", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisabledEntry_DoesNotMatchUntilItsDate_ThenEnableAndDeleteWork()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        string md5 = RandomHex(_random, 16);
        long id = await AddEntryAsync(client, bank, "md5", md5);
        var disable = await client.PostAsJsonAsync($"/v1/banks/{bank}/entries/{id}/disable", new { until = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal("allow", await DecisionAsync(client, new { md5 }));

        // A date already past means the entry matches again without any further change.
        await client.PostAsJsonAsync($"/v1/banks/{bank}/entries/{id}/disable", new { until = DateTimeOffset.UtcNow.AddSeconds(-1) }, TestContext.Current.CancellationToken);
        Assert.Equal("block", await DecisionAsync(client, new { md5 }));

        await client.PostAsJsonAsync($"/v1/banks/{bank}/entries/{id}/disable", new { until = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/banks/{bank}/entries/{id}/enable", null, TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal("block", await DecisionAsync(client, new { md5 }));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/banks/{bank}/entries/{id}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal("allow", await DecisionAsync(client, new { md5 }));
        await ProblemAsync(await client.DeleteAsync($"/v1/banks/{bank}/entries/{id}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BankSettings_ApplyToTheNextCheck_AndDeletedBanksStopMatching()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, radius: 10);
        var stored = RandomPdq(_random);
        await AddEntryAsync(client, bank, "pdq", stored.ToString());
        var probe = new { pdq = FlipBits(stored, 25).ToString() };
        Assert.DoesNotContain((await CheckAsync(client, probe)).GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == bank);

        var patch = await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { radius = 31, action = "review" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        var matched = await CheckAsync(client, probe);
        Assert.Contains(matched.GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == bank && m.GetProperty("action").GetString() == "review");

        await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { enabled = false }, TestContext.Current.CancellationToken);
        Assert.DoesNotContain((await CheckAsync(client, probe)).GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == bank);

        await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { enabled = true }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/banks/{bank}", TestContext.Current.CancellationToken)).StatusCode);
        Assert.DoesNotContain((await CheckAsync(client, probe)).GetProperty("matches").EnumerateArray(), m => m.GetProperty("bank").GetString() == bank);
        await ProblemAsync(await client.GetAsync($"/v1/banks/{bank}", TestContext.Current.CancellationToken), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MatchedChecks_AreRecorded_UnmatchedOnlyCounted()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, action: "hold");
        string sha256 = RandomHex(_random, 32);
        long entry = await AddEntryAsync(client, bank, "sha256", sha256);
        string contentRef = "content-" + Guid.NewGuid().ToString("N"), userRef = "user-" + Guid.NewGuid().ToString("N");

        var before = await Server.Store.ListUnmatchedCheckCountsAsync(TestContext.Current.CancellationToken);
        var unmatchedRef = "unmatched-" + Guid.NewGuid().ToString("N");
        await CheckAsync(client, new { sha256 = RandomHex(_random, 32) }, unmatchedRef, unmatchedRef);
        var result = await CheckAsync(client, new { sha256 }, contentRef, userRef);
        long checkId = result.GetProperty("checkId").GetInt64();

        var recorded = await Server.Store.ListRecordedChecksAsync(checkId - 1, 1, TestContext.Current.CancellationToken);
        var check = Assert.Single(recorded);
        Assert.Equal(contentRef, check.ContentRef);
        Assert.Equal(userRef, check.UserRef);
        Assert.Equal("hold", check.Decision);
        Assert.Equal(sha256, check.Hashes.Sha256);
        Assert.Equal(entry, Assert.Single(check.Matches).EntryId);

        var all = await Server.Store.ListRecordedChecksAsync(0, 100_000, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(all, c => c.ContentRef == unmatchedRef);
        await Server.Services.GetRequiredService<UnmatchedCheckCounter>().FlushAsync(TestContext.Current.CancellationToken);
        var after = await Server.Store.ListUnmatchedCheckCountsAsync(TestContext.Current.CancellationToken);
        Assert.True(after.Sum(c => c.Checks) >= before.Sum(c => c.Checks) + 1);

        using var reviewer = Server.Client(await Server.CreateKeyAsync(ApiScopes.Review));
        var page = await reviewer.GetFromJsonAsync<JsonElement>($"/v1/checks?after={checkId - 1}&limit=1", TestContext.Current.CancellationToken);
        Assert.Equal(contentRef, page.GetProperty("checks")[0].GetProperty("contentRef").GetString());
    }

    [Theory]
    [InlineData("""{"hashes":{"pdq":"abc"}}""", "hashes.pdq")]
    [InlineData("""{"hashes":{"md5":"not-hex-not-hex-not-hex-not-hex!"}}""", "hashes.md5")]
    [InlineData("""{"hashes":{}}""", "hashes")]
    [InlineData("""{"contentRef":"x"}""", "hashes")]
    [InlineData("""{"hashes":{"sha512":"00"}}""", "hashes.sha512")]
    public async Task Check_MalformedHashes_Is400NamingTheField(string json, string field)
    {
        using var client = Server.Client();
        var problem = await ProblemAsync(await client.PostAsync("/v1/check", TextBody(json, "application/json"), TestContext.Current.CancellationToken), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task Check_UnsupportedMediaType_Is415()
    {
        using var client = Server.Client();
        await ProblemAsync(await client.PostAsync("/v1/check", TextBody("<x/>", "text/xml"), TestContext.Current.CancellationToken), HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Check_OverTheSizeLimit_Is413()
    {
        using var client = Server.Client();
        var content = new ByteArrayContent(new byte[(50 * 1024 * 1024) + (200 * 1024)]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        // Expect: 100-continue lets the server refuse on Content-Length before the client sends the body.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = content };
        request.Headers.ExpectContinue = true;
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Check_GarbageImage_Is4xxNever500()
    {
        using var client = Server.Client();
        var content = new ByteArrayContent([0xFF, 0xD8, 0xFF, 0x00, 0x13, 0x37]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        var response = await client.PostAsync("/v1/check", content, TestContext.Current.CancellationToken);
        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Fact]
    public async Task HostileBodies_NeverCause500()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        var random = new Random(1234);
        string[] paths = ["/v1/banks", $"/v1/banks/{bank}/entries", "/v1/check", $"/v1/banks/{bank}/import", $"/v1/banks/{bank}/entries/1/disable"];
        string[] types = ["application/json", "multipart/form-data; boundary=xyz", "text/plain", "image/png", "application/octet-stream"];
        for (int i = 0; i < 40; i++)
        {
            var bytes = new byte[random.Next(0, 2000)];
            random.NextBytes(bytes);
            var content = new ByteArrayContent(bytes);
            content.Headers.TryAddWithoutValidation("Content-Type", types[i % types.Length]);
            var response = await client.PostAsync(paths[i % paths.Length], content, TestContext.Current.CancellationToken);
            Assert.True((int)response.StatusCode < 500, $"{paths[i % paths.Length]} with {types[i % types.Length]} gave {(int)response.StatusCode}");
        }
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/banks/{bank}/entries", TestContext.Current.CancellationToken);
        Assert.Equal(0, page.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task RateLimit_PerKey_Answers429()
    {
        using var client = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check, ratePerSecond: 2));
        using var other = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 12; i++)
        {
            var response = await client.PostAsJsonAsync("/v1/check", new { hashes = new { md5 = RandomHex(_random, 16) } }, TestContext.Current.CancellationToken);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await ProblemAsync(response, HttpStatusCode.TooManyRequests);
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        // Another key has its own budget.
        Assert.Equal("allow", await DecisionAsync(other, new { md5 = RandomHex(_random, 16) }));
    }

    [Fact]
    public async Task Import_AllThreeFormats_WithProgress_ThenExport()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        var pdq = Enumerable.Range(0, 5).Select(_ => RandomPdq(_random).ToString()).ToList();
        var md5 = Enumerable.Range(0, 3).Select(_ => RandomHex(_random, 16)).ToList();
        string sha1 = RandomHex(_random, 20);

        var plain = await ImportAsync(client, bank, "# comment\n" + string.Join("\n", pdq) + "\n\n", "?kind=pdq");
        Assert.Equal("validated", plain[0].GetProperty("event").GetString());
        Assert.Equal("lines", plain[0].GetProperty("format").GetString());
        Assert.Equal(5, plain[^1].GetProperty("committed").GetInt64());
        Assert.Equal("done", plain[^1].GetProperty("event").GetString());

        var csv = await ImportAsync(client, bank, "kind,value,external_id,labels,note\r\n" + string.Join("\r\n", md5.Select((m, i) => $"md5,{m},ext-{i},a;b,\"note, with comma\"")));
        Assert.Equal("csv", csv[0].GetProperty("format").GetString());
        Assert.Equal(3, csv[^1].GetProperty("committed").GetInt64());

        var typed = await ImportAsync(client, bank, $"sha1 {sha1}\npdq {RandomPdq(_random)}\n");
        Assert.Equal("typed", typed[0].GetProperty("format").GetString());

        Assert.Equal("block", await DecisionAsync(client, new { pdq = pdq[3] }));
        Assert.Equal("block", await DecisionAsync(client, new { sha1 }));
        var matched = await CheckAsync(client, new { md5 = md5[1] });
        Assert.Equal("ext-1", matched.GetProperty("matches")[0].GetProperty("externalId").GetString());
        Assert.Equal(["a", "b"], matched.GetProperty("matches")[0].GetProperty("labels").EnumerateArray().Select(l => l.GetString()));

        long audit = await AuditLengthAsync(Server);
        string export = await client.GetStringAsync($"/v1/banks/{bank}/export", TestContext.Current.CancellationToken);
        var rows = export.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,kind,value", rows[0], StringComparison.Ordinal);
        Assert.Equal(1 + 5 + 3 + 2, rows.Length);
        Assert.Contains(rows, r => r.Contains(md5[2], StringComparison.Ordinal) && r.Contains("\"note, with comma\"", StringComparison.Ordinal));
        var last = await Server.Store.ReadAuditAsync(TestContext.Current.CancellationToken).LastAsync(TestContext.Current.CancellationToken);
        Assert.Equal(audit + 1, last.Sequence);
        Assert.Equal("bank.exported", last.Kind);

        string lines = await client.GetStringAsync($"/v1/banks/{bank}/export?format=lines", TestContext.Current.CancellationToken);
        Assert.Contains($"sha1 {sha1}", lines, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("md5 0123456789abcdef0123456789abcdef\nmd5 nothex\n", "line 2")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", "line 1: kind")]
    [InlineData("kind,labels\nmd5,x\n", "line 1: header")]
    [InlineData("md5 0123456789abcdef0123456789abcdef\n\"unbalanced,quote\n", "line 2")]
    [InlineData("# nothing but a comment\n", "no entries")]
    public async Task Import_WithABadLine_Is400NamingTheLine_AndStoresNothing(string file, string expected)
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        long audit = await AuditLengthAsync(Server);
        var response = await client.PostAsync($"/v1/banks/{bank}/import", TextBody(file), TestContext.Current.CancellationToken);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains(expected, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(audit, await AuditLengthAsync(Server));
        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/banks/{bank}/entries", TestContext.Current.CancellationToken);
        Assert.Equal(0, page.GetProperty("entries").GetArrayLength());
    }

    [Fact]
    public async Task Import_AsMultipartUpload_Works()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        string md5 = RandomHex(_random, 16);
        using var form = new MultipartFormDataContent { { new StringContent($"md5 {md5}\n"), "file", "bank.txt" } };
        var response = await client.PostAsync($"/v1/banks/{bank}/import", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("block", await DecisionAsync(client, new { md5 }));
    }

    [Fact]
    public async Task EveryChange_IsInTheAuditChain_WhichVerifies()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        long before = await AuditLengthAsync(Server);
        await CreateBankAsync(client, bank);
        long id = await AddEntryAsync(client, bank, "md5", RandomHex(_random, 16));
        await client.PostAsJsonAsync($"/v1/banks/{bank}/entries/{id}/disable", new { until = DateTimeOffset.UtcNow.AddDays(1) }, TestContext.Current.CancellationToken);
        await client.DeleteAsync($"/v1/banks/{bank}/entries/{id}", TestContext.Current.CancellationToken);
        await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { radius = 5 }, TestContext.Current.CancellationToken);
        await client.DeleteAsync($"/v1/banks/{bank}", TestContext.Current.CancellationToken);
        var kinds = new List<string>();
        await foreach (var e in Server.Store.ReadAuditAsync(TestContext.Current.CancellationToken))
        {
            if (e.Sequence > before && e.Payload.Contains("\"actor\":\"key:", StringComparison.Ordinal) && (e.Payload.Contains(bank, StringComparison.Ordinal) || e.Payload.Contains($"\"entryId\":{id}", StringComparison.Ordinal)))
            {
                kinds.Add(e.Kind);
            }
        }
        Assert.Equal(["bank.created", "entry.added", "entry.disabled", "entry.deleted", "bank.updated", "bank.deleted"], kinds);
        var verify = await client.GetFromJsonAsync<JsonElement>("/v1/audit/verify", TestContext.Current.CancellationToken);
        Assert.True(verify.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task Metrics_CountChecksAndMatchesAndIndexSize()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        string md5 = RandomHex(_random, 16);
        await AddEntryAsync(client, bank, "md5", md5);
        await DecisionAsync(client, new { md5 });
        string metrics = await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
        Assert.Contains("safeguard_checks_total{decision=\"block\",input=\"hashes\"}", metrics, StringComparison.Ordinal);
        Assert.Contains($"safeguard_check_matches_total{{bank=\"{bank}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains($"safeguard_index_entries{{bank=\"{bank}\"}} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("safeguard_check_duration_seconds_bucket", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_NeverContainContentOrUserReferencesOrHashes()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        string md5 = RandomHex(_random, 16);
        await AddEntryAsync(client, bank, "md5", md5);
        string contentRef = "cref-" + Guid.NewGuid().ToString("N"), userRef = "uref-" + Guid.NewGuid().ToString("N");
        await CheckAsync(client, new { md5 }, contentRef, userRef);
        await CheckAsync(client, new { md5 = RandomHex(_random, 16) }, contentRef, userRef);
        await client.PostAsync("/v1/check", TextBody("{\"hashes\":{\"md5\":\"" + userRef + "\"}}", "application/json"), TestContext.Current.CancellationToken);
        Assert.NotEmpty(Server.Logs.Lines);
        foreach (var line in Server.Logs.Lines)
        {
            Assert.DoesNotContain(contentRef, line, StringComparison.Ordinal);
            Assert.DoesNotContain(userRef, line, StringComparison.Ordinal);
            Assert.DoesNotContain(md5, line, StringComparison.OrdinalIgnoreCase);
        }
    }
}

public sealed class SqliteServerApiTests(SqliteServerFixture fixture) : ServerApiTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresServerApiTests(PostgresServerFixture fixture) : ServerApiTests(fixture), IClassFixture<PostgresServerFixture>;
