// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Safeguard.Security;
using Safeguard.Server.Tests.Kit;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>
/// Url and keyword banks and <c>POST /v1/check/text</c>, on SQLite and PostgreSQL. Fixtures use
/// neutral placeholder terms and example domains only. Expected spans are found in the test's own
/// input with <see cref="string.IndexOf(string, StringComparison)"/>, not taken from the server.
/// </summary>
public abstract class TextBankTests(ServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task CreateTextBankAsync(HttpClient client, string name, string kind, string action, string category = "test-list")
    {
        var response = await client.PostAsJsonAsync("/v1/banks", new { name, kind, source = "internal", category, action }, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var bank = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.Equal(kind, bank.GetProperty("kind").GetString());
    }

    private static async Task<JsonElement> CheckTextAsync(HttpClient client, string text, string context = "post", string? contentRef = null)
    {
        var response = await client.PostAsJsonAsync("/v1/check/text", new { text, context, contentRef }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    private static List<JsonElement> HitsOf(JsonElement result, string bank) =>
        [.. result.GetProperty("hits").EnumerateArray().Where(h => h.GetProperty("bank").GetString() == bank)];

    private static (int Start, int End) SpanOf(string text, string part)
    {
        int start = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(start >= 0, "test setup: the part is not in the text");
        return (start, start + part.Length);
    }

    private static async Task<long> EntryCountAsync(HttpClient client, string bank) =>
        (await client.GetFromJsonAsync<JsonElement>($"/v1/banks/{bank}", Ct)).GetProperty("entries").GetInt64();

    // B.5: a hashed URL entry is the SHA-256 of the normalised URL's match key (host without www, path, query).
    private static string DigestOf(string matchKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(matchKey)));

    [Fact]
    public async Task TextBanks_CreateAddListImportExport_AndRefuseWrongKinds()
    {
        using var client = Server.Client();
        string urls = NewBankName(), words = NewBankName();
        await CreateTextBankAsync(client, urls, "url", "block", "iwf-url");
        await CreateTextBankAsync(client, words, "keyword", "review");

        var added = await client.PostAsJsonAsync($"/v1/banks/{urls}/entries", new { kind = "url", value = "HTTPS://WWW.Example.COM:443/Gallery/a%7Eb#frag", labels = new[] { "x" } }, Ct);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        // Scheme and host lower-cased, default port and fragment dropped, %7E decoded to '~', path case kept.
        Assert.Equal("https://www.example.com/Gallery/a~b", (await added.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("value").GetString());
        await AddEntryAsync(client, urls, "domain", "Listed.Example.ORG");
        await AddEntryAsync(client, urls, "url-sha256", DigestOf("example.net/hidden/page").ToUpperInvariant());
        Assert.Equal(3, await EntryCountAsync(client, urls));

        long auditBefore = await AuditLengthAsync(Server);
        foreach (var (bank, body, field) in new (string, object, string)[]
        {
            (urls, new { kind = "md5", value = RandomHex(new Random(1), 16) }, "kind"),
            (urls, new { kind = "keyword", value = "pinecone" }, "kind"),
            (words, new { kind = "url", value = "https://example.com/" }, "kind"),
            (urls, new { kind = "url", value = "http://[::1" }, "value"),
            (urls, new { kind = "domain", value = "example.com/with/path" }, "value"),
            (urls, new { kind = "url-sha256", value = "abc" }, "value"),
            (words, new { kind = "keyword", value = "\u200B\u200D\u2060" }, "value"),
            (words, new { kind = "keyword", value = "two\nlines" }, "value"),
            (words, new { kind = "keyword", value = new string('a', 1025) }, "value"),
            (words, new { value = "pinecone" }, "kind"),
        })
        {
            var response = await client.PostAsJsonAsync($"/v1/banks/{bank}/entries", body, Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400 for {JsonSerializer.Serialize(body)}, got {response.StatusCode}");
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {problem}");
        }
        Assert.Equal(3, await EntryCountAsync(client, urls));
        Assert.Equal(0, await EntryCountAsync(client, words));
        Assert.Equal(auditBefore, await AuditLengthAsync(Server));

        var progress = await ImportAsync(client, words, "# placeholder terms\n\nkeyword pinecone\nkeyword  bluebird song \n");
        Assert.Equal("list", progress[0].GetProperty("format").GetString());
        Assert.Equal(2, progress[^1].GetProperty("committed").GetInt64());
        var export = await client.GetStringAsync($"/v1/banks/{words}/export?format=lines", Ct);
        Assert.Equal(["keyword pinecone", "keyword bluebird song"], export.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        // The audit log holds a digest of a text entry, never the term itself.
        await foreach (var entry in Server.Store.ReadAuditAsync(Ct))
        {
            Assert.DoesNotContain("bluebird", entry.Payload, StringComparison.Ordinal);
        }
        var list = await client.GetFromJsonAsync<JsonElement>("/v1/banks", Ct);
        Assert.Contains(list.GetProperty("banks").EnumerateArray(), b => b.GetProperty("name").GetString() == words && b.GetProperty("kind").GetString() == "keyword");
    }

    [Theory]
    [InlineData("url https://example.com/ok\nkeyword-exact bluebird\n", "line 2: kind:")]
    [InlineData("url https://example.com/ok\nurl http://[::1\n", "line 2: value:")]
    [InlineData("category iwf\nurl https://example.com/ok\n", "line 1: kind:")]
    [InlineData("keyword pinecone\n", "line 1: kind:")]
    [InlineData("md5 0123456789abcdef0123456789abcdef\n", "line 1: kind:")]
    [InlineData("url\n", "line 1: value:")]
    public async Task TextImport_WithABadLine_Is400NamingTheLine_AndStoresNothing(string file, string expected)
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateTextBankAsync(client, bank, "url", "block");
        var problem = await ProblemAsync(await client.PostAsync($"/v1/banks/{bank}/import", TextBody(file), Ct), HttpStatusCode.BadRequest);
        Assert.StartsWith(expected, problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await EntryCountAsync(client, bank));
        await ProblemAsync(await client.PostAsync($"/v1/banks/{bank}/import?format=csv", TextBody("url https://example.com/\n"), Ct), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.PostAsync($"/v1/banks/{bank}/import?kind=md5", TextBody("url https://example.com/\n"), Ct), HttpStatusCode.BadRequest);
        Assert.Equal(0, await EntryCountAsync(client, bank));
    }

    [Fact]
    public async Task CheckText_FindsDisguisedUrlsAndKeywords_WithSpansInTheOriginalText()
    {
        using var admin = Server.Client();
        string urls = NewBankName(), words = NewBankName();
        await CreateTextBankAsync(admin, urls, "url", "block", "iwf-url");
        await CreateTextBankAsync(admin, words, "keyword", "review", "coded-terms");
        long page = await AddEntryAsync(admin, urls, "url", "https://example.com/gallery/item-42");
        long domain = await AddEntryAsync(admin, urls, "domain", "listed.example.org");
        long hashed = await AddEntryAsync(admin, urls, "url-sha256", DigestOf("example.net/hidden/page"));
        long pinecone = await AddEntryAsync(admin, words, "keyword", "pinecone");
        long bluebird = await AddEntryAsync(admin, words, "keyword", "bluebird");

        string text = "look hxxps://example[.]com/gallery/item-42 then cdn.listed.example.org/x and www.example.net/hidden/page " +
            "or p1n3c0ne, b\u200Blue\u200Bbird, and nothing at example.com/gallery/item-43";
        var result = await CheckTextAsync(admin, text);
        Assert.Equal("block", result.GetProperty("decision").GetString());

        var urlHits = HitsOf(result, urls);
        var expectedUrls = new (long Entry, string Kind, string Part)[]
        {
            (page, "url", "hxxps://example[.]com/gallery/item-42"),
            (domain, "domain", "cdn.listed.example.org/x"),
            (hashed, "url-sha256", "www.example.net/hidden/page"),
        };
        Assert.Equal(expectedUrls.Length, urlHits.Count);
        foreach (var (entry, kind, part) in expectedUrls)
        {
            var hit = Assert.Single(urlHits, h => h.GetProperty("entryId").GetInt64() == entry);
            Assert.Equal("url", hit.GetProperty("kind").GetString());
            Assert.Equal(kind, hit.GetProperty("entryKind").GetString());
            Assert.Equal("iwf-url", hit.GetProperty("category").GetString());
            Assert.Equal("block", hit.GetProperty("action").GetString());
            Assert.Equal(SpanOf(text, part), (hit.GetProperty("start").GetInt32(), hit.GetProperty("end").GetInt32()));
        }
        var wordHits = HitsOf(result, words);
        Assert.Equal(2, wordHits.Count);
        var pine = Assert.Single(wordHits, h => h.GetProperty("entryId").GetInt64() == pinecone);
        Assert.Equal(SpanOf(text, "p1n3c0ne"), (pine.GetProperty("start").GetInt32(), pine.GetProperty("end").GetInt32()));
        var blue = Assert.Single(wordHits, h => h.GetProperty("entryId").GetInt64() == bluebird);
        Assert.Equal(SpanOf(text, "b\u200Blue\u200Bbird"), (blue.GetProperty("start").GetInt32(), blue.GetProperty("end").GetInt32()));
        Assert.Equal("keyword", blue.GetProperty("kind").GetString());
        Assert.True(result.GetProperty("checkId").GetInt64() > 0);

        // A check-only caller learns the bank, category, action and span, nothing about the entry.
        using var checker = Server.Client(await Server.CreateKeyAsync(ApiScopes.Check));
        var limited = await CheckTextAsync(checker, text, "message");
        Assert.Equal("block", limited.GetProperty("decision").GetString());
        foreach (var hit in limited.GetProperty("hits").EnumerateArray())
        {
            Assert.False(hit.TryGetProperty("entryId", out _));
            Assert.False(hit.TryGetProperty("entryKind", out _));
            Assert.True(hit.TryGetProperty("start", out _));
            Assert.True(hit.TryGetProperty("category", out _));
        }
        Assert.False(limited.TryGetProperty("checkId", out _));

        Assert.Equal("allow", (await CheckTextAsync(admin, "plain words about example.com/gallery/item-43 and pine cones")).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task CheckText_IsRecordedLikeImageChecks_TextKeptOnlyWhenRoutedToReview()
    {
        using var admin = Server.Client();
        string blocking = NewBankName(), reviewing = NewBankName();
        await CreateTextBankAsync(admin, blocking, "url", "block");
        await CreateTextBankAsync(admin, reviewing, "keyword", "review");
        await AddEntryAsync(admin, blocking, "domain", "blocked.example.org");
        await AddEntryAsync(admin, reviewing, "keyword", "lanternfish");
        string marker = Guid.NewGuid().ToString("N");

        string blockedText = $"go to blocked.example.org now {marker}";
        string reviewText = $"ask about lanternfish {marker}";
        var first = await CheckTextAsync(admin, blockedText, "search", "ref-block-" + marker);
        var second = await CheckTextAsync(admin, reviewText, "profile", "ref-review-" + marker);

        var page = await admin.GetFromJsonAsync<JsonElement>($"/v1/checks?after={first.GetProperty("checkId").GetInt64() - 1}", Ct);
        var recorded = page.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt64());
        var blockRecord = recorded[first.GetProperty("checkId").GetInt64()];
        Assert.Equal("text", blockRecord.GetProperty("input").GetString());
        Assert.Equal("search", blockRecord.GetProperty("context").GetString());
        Assert.Equal("block", blockRecord.GetProperty("decision").GetString());
        Assert.False(blockRecord.TryGetProperty("text", out _));
        var match = blockRecord.GetProperty("matches")[0];
        Assert.Equal(SpanOf(blockedText, "blocked.example.org"), (match.GetProperty("start").GetInt32(), match.GetProperty("end").GetInt32()));
        Assert.Equal("domain", match.GetProperty("kind").GetString());

        var reviewRecord = recorded[second.GetProperty("checkId").GetInt64()];
        Assert.Equal(reviewText, reviewRecord.GetProperty("text").GetString());
        Assert.Equal("profile", reviewRecord.GetProperty("context").GetString());

        Assert.DoesNotContain(Server.Logs.Lines, l => l.Contains(marker, StringComparison.Ordinal) || l.Contains("lanternfish", StringComparison.Ordinal));
        var metrics = await admin.GetStringAsync("/metrics", Ct);
        Assert.Contains("input=\"text\"", metrics, StringComparison.Ordinal);
        Assert.Contains("safeguard_text_snapshot_builds_total", metrics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"context":"post"}""", "text")]
    [InlineData("""{"text":"hello"}""", "context")]
    [InlineData("""{"text":"hello","context":"chatroom"}""", "context")]
    [InlineData("""{"text":7,"context":"post"}""", "text")]
    [InlineData("""{"text":"hello","context":"post","extra":1}""", "extra")]
    [InlineData("""{"text":"hello","context":"post","contentRef":"a\u0001b"}""", "contentRef")]
    public async Task CheckText_BadInput_Is400NamingTheField_AndRecordsNothing(string json, string field)
    {
        using var client = Server.Client();
        long before = (await Server.Store.ListRecordedChecksAsync(0, 100_000, Ct)).Count;
        var response = await client.PostAsync("/v1/check/text", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"expected errors.{field} in {problem}");
        Assert.Equal(before, (await Server.Store.ListRecordedChecksAsync(0, 100_000, Ct)).Count);
    }

    [Fact]
    public async Task CheckText_TooLongOrWrongMediaType_Is413Or415()
    {
        using var client = Server.Client();
        var tooLong = await client.PostAsJsonAsync("/v1/check/text", new { text = new string('a', 100_001), context = "post" }, Ct);
        Assert.Contains("text", (await ProblemAsync(tooLong, HttpStatusCode.RequestEntityTooLarge)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var hugeBody = await client.PostAsync("/v1/check/text", new StringContent($$"""{"text":"{{new string('a', 2_000_000)}}","context":"post"}""", Encoding.UTF8, "application/json"), Ct);
        await ProblemAsync(hugeBody, HttpStatusCode.RequestEntityTooLarge);
        await ProblemAsync(await client.PostAsync("/v1/check/text", TextBody("hello"), Ct), HttpStatusCode.UnsupportedMediaType);
        // Hostile text never fails: a pathological URL-ish run and invalid surrogates answer 200.
        string hostile = "http://" + string.Concat(Enumerable.Repeat("a.", 20_000)) + " \uD800 [.] hxxp:// " + new string('%', 5000);
        Assert.Equal("allow", (await CheckTextAsync(client, hostile)).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task ListChanges_ApplyToTheNextCheckOnTheSameNode()
    {
        using var client = Server.Client();
        string bank = NewBankName();
        await CreateTextBankAsync(client, bank, "keyword", "hold");
        const string Text = "a note about driftwood";
        Assert.Empty(HitsOf(await CheckTextAsync(client, Text), bank));

        long id = await AddEntryAsync(client, bank, "keyword", "driftwood");
        Assert.Single(HitsOf(await CheckTextAsync(client, Text), bank));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync($"/v1/banks/{bank}/entries/{id}/disable", new { until = DateTimeOffset.UtcNow.AddDays(1) }, Ct)).StatusCode);
        Assert.Empty(HitsOf(await CheckTextAsync(client, Text), bank));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/banks/{bank}/entries/{id}/enable", null, Ct)).StatusCode);
        Assert.Single(HitsOf(await CheckTextAsync(client, Text), bank));

        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { action = "report", category = "renamed" }, Ct)).StatusCode);
        var hit = Assert.Single(HitsOf(await CheckTextAsync(client, Text), bank));
        Assert.Equal("report", hit.GetProperty("action").GetString());
        Assert.Equal("renamed", hit.GetProperty("category").GetString());

        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { enabled = false }, Ct)).StatusCode);
        Assert.Empty(HitsOf(await CheckTextAsync(client, Text), bank));
        Assert.Equal(HttpStatusCode.OK, (await client.PatchAsJsonAsync($"/v1/banks/{bank}", new { enabled = true }, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/banks/{bank}/entries/{id}", Ct)).StatusCode);
        Assert.Empty(HitsOf(await CheckTextAsync(client, Text), bank));

        await AddEntryAsync(client, bank, "keyword", "driftwood");
        Assert.Single(HitsOf(await CheckTextAsync(client, Text), bank));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/v1/banks/{bank}", Ct)).StatusCode);
        Assert.Empty(HitsOf(await CheckTextAsync(client, Text), bank));
    }

    [Fact]
    public async Task HashChecks_IgnoreTextBanks_AndTextChecksIgnoreHashBanks()
    {
        using var client = Server.Client();
        string hashes = NewBankName(), words = NewBankName();
        await CreateBankAsync(client, hashes);
        await CreateTextBankAsync(client, words, "keyword", "block");
        string md5 = RandomHex(new Random(5), 16);
        await AddEntryAsync(client, hashes, "md5", md5);
        await AddEntryAsync(client, words, "keyword", "starfruit");
        Assert.Equal("allow", (await CheckTextAsync(client, $"the hash {md5} is just text here")).GetProperty("decision").GetString());
        Assert.Equal("block", await DecisionAsync(client, new { md5 }));
        var problem = await ProblemAsync(await client.PostAsJsonAsync("/v1/banks", new { name = NewBankName(), kind = "url", source = "s", category = "c", action = "block", radius = 10 }, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("radius", out _));
        problem = await ProblemAsync(await client.PostAsJsonAsync("/v1/banks", new { name = NewBankName(), kind = "phrases", source = "s", category = "c", action = "block" }, Ct), HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("kind", out _));
    }
}

public sealed class SqliteTextBankTests(SqliteServerFixture fixture) : TextBankTests(fixture), IClassFixture<SqliteServerFixture>;

public sealed class PostgresTextBankTests(PostgresServerFixture fixture) : TextBankTests(fixture), IClassFixture<PostgresServerFixture>;

/// <summary>A list change made through one node reaches another node's next text check within 2 s.</summary>
public sealed class TextMultiNodeTests
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task KeywordAddedOnOneNode_IsFoundByAnotherWithin2Seconds(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind);
        await using var a = await TestServer.StartAsync(store);
        // On PostgreSQL node B polls only every 30 s, so seeing the change within 2 s can only come from NOTIFY.
        await using var b = await TestServer.StartAsync(store, kind == StoreKind.Postgres ? "--Safeguard:Sync:PollIntervalMilliseconds=30000" : "--Safeguard:Sync:PollIntervalMilliseconds=200");
        using var clientA = a.Client();
        using var clientB = b.Client(a.AdminKey);
        string bank = NewBankName();
        var created = await clientA.PostAsJsonAsync("/v1/banks", new { name = bank, kind = "keyword", source = "internal", category = "test", action = "block" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        await Task.Delay(300, TestContext.Current.CancellationToken);

        async Task<string> DecideOnB() =>
            (await (await clientB.PostAsJsonAsync("/v1/check/text", new { text = "a walk with the tumbleweed", context = "message" }, TestContext.Current.CancellationToken))
                .Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("decision").GetString()!;

        Assert.Equal("allow", await DecideOnB());
        var clock = Stopwatch.StartNew();
        long id = await AddEntryAsync(clientA, bank, "keyword", "tumbleweed");
        while (await DecideOnB() != "block")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "node B did not see the new keyword within 2 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        clock.Restart();
        await clientA.DeleteAsync($"/v1/banks/{bank}/entries/{id}", TestContext.Current.CancellationToken);
        while (await DecideOnB() != "allow")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "node B still found the deleted keyword after 2 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
