// SPDX-License-Identifier: Apache-2.0
using System.Net;
using Safeguard.Cases;

using Safeguard.ReviewConsole;

namespace Safeguard.Console.Tests;

/// <summary>The console over plain HTTP: sessions, CSRF, lock-out, roles and what each page reveals.</summary>
public sealed class ConsoleHttpTests : IAsyncLifetime
{
    private ConsoleTestHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ConsoleTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Queue_WithoutSession_RedirectsToSignIn()
    {
        using var client = new ConsoleClient(_host.BaseUrl);
        var response = await client.GetAsync("/console/queue");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/console/login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignIn_SetsStrictSecureHttpOnlySessionCookie()
    {
        using var client = new ConsoleClient(_host.BaseUrl);
        var response = await client.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = Assert.Single(client.SetCookieHeaders, h => h.StartsWith("__Host-safeguard-console=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("secure", session, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", session, StringComparison.Ordinal);
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("path=/", session, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/queue")).StatusCode);
    }

    [Fact]
    public async Task SignIn_WithoutCsrfToken_IsRefused()
    {
        using var client = new ConsoleClient(_host.BaseUrl);
        await client.GetAsync("/console/login");
        var response = await client.PostAsync("/console/login", [new("name", "alice"), new("password", ConsoleTestHost.Password)], withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(client.SetCookieHeaders, h => h.StartsWith("__Host-safeguard-console=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Decision_WithoutCsrfToken_IsRefusedAndChangesNothing()
    {
        var c = await _host.OpenTextCaseAsync();
        using var client = new ConsoleClient(_host.BaseUrl);
        await client.SignInAsync("alice");
        await client.GetAsync($"/console/cases/{c.Id}");
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostAsync($"/console/cases/{c.Id}/claim", [])).StatusCode);
        var response = await client.PostAsync($"/console/cases/{c.Id}/decide", [new("decision", "confirm"), new("reason", "x")], withCsrf: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(CaseStatus.InReview, (await _host.CaseStore.GetAsync(c.Id))!.Status);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LockTheAccount()
    {
        using var client = new ConsoleClient(_host.BaseUrl);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("bob", "wrong")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SignInAsync("bob")).StatusCode);
        Assert.NotNull((await _host.Users.FindAsync("bob"))!.LockedUntil);
    }

    [Fact]
    public async Task Pages_CarryStrictSecurityHeaders_AndOnlyLocalAssets()
    {
        using var client = new ConsoleClient(_host.BaseUrl);
        var response = await client.GetAsync("/console/login");
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.DoesNotContain("http://", client.LastHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", client.LastHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/assets/console.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/console/assets/console.css")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/console/assets/..%2Fsecret")).StatusCode);
    }

    [Fact]
    public async Task GroomingCase_IsInvisibleToReviewersAndVisibleToChildSafetyReviewers()
    {
        var c = await _host.OpenTextCaseAsync(CaseKind.Grooming);
        using var alice = new ConsoleClient(_host.BaseUrl);
        await alice.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/console/cases/{c.Id}")).StatusCode);
        await alice.GetAsync("/console/queue");
        Assert.DoesNotContain($"data-case=\"{c.Id}\"", alice.LastHtml, StringComparison.Ordinal);

        using var carol = new ConsoleClient(_host.BaseUrl);
        await carol.SignInAsync("carol");
        Assert.Equal(HttpStatusCode.OK, (await carol.GetAsync($"/console/cases/{c.Id}")).StatusCode);
        Assert.Contains("pinecone", carol.LastHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Thumbnail_OnlyForTheReviewerHoldingTheCase()
    {
        var c = await _host.OpenImageCaseAsync();
        using var alice = new ConsoleClient(_host.BaseUrl);
        using var bob = new ConsoleClient(_host.BaseUrl);
        await alice.SignInAsync("alice");
        await bob.SignInAsync("bob");
        Assert.Equal(HttpStatusCode.NotFound, (await alice.GetAsync($"/console/cases/{c.Id}/thumbnail")).StatusCode);
        await alice.GetAsync($"/console/cases/{c.Id}");
        Assert.DoesNotContain("/thumbnail", alice.LastHtml, StringComparison.Ordinal);
        await alice.PostAsync($"/console/cases/{c.Id}/claim", []);
        var image = await alice.GetAsync($"/console/cases/{c.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType!.MediaType);
        Assert.True(image.Headers.CacheControl!.NoStore);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/console/cases/{c.Id}/thumbnail")).StatusCode);

        await bob.GetAsync($"/console/cases/{c.Id}");
        Assert.Contains("Another reviewer is working on this case", bob.LastHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.PostAsync($"/console/cases/{c.Id}/claim", [])).StatusCode);
        Assert.Equal("alice", (await _host.CaseStore.GetAsync(c.Id))!.Assignee);
    }

    [Fact]
    public async Task RolePages_AreRefusedWithoutTheRole()
    {
        using var alice = new ConsoleClient(_host.BaseUrl);
        await alice.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/banks")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/outbox")).StatusCode);
        using var curt = new ConsoleClient(_host.BaseUrl);
        await curt.SignInAsync("curt");
        Assert.Equal(HttpStatusCode.Forbidden, (await curt.GetAsync("/console/queue")).StatusCode);
    }

    [Fact]
    public async Task Curator_AddsBankEntryAndImports_BadInputNamesTheProblem()
    {
        using var curt = new ConsoleClient(_host.BaseUrl);
        await curt.SignInAsync("curt");
        await curt.GetAsync("/console/banks");
        Assert.Equal(HttpStatusCode.Redirect, (await curt.PostAsync("/console/banks", [new("name", "internal-review"), new("source", "internal"), new("category", "CSAM"), new("action", "review"), new("mode", "enforce")])).StatusCode);
        await curt.GetAsync("/console/banks/internal-review");
        var bad = await curt.PostAsync("/console/banks/internal-review/entries", [new("kind", "md5"), new("value", "xyz")]);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("a md5 hash has 32 hex digits; this value has 3 characters", curt.LastHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await curt.PostAsync("/console/banks/internal-review/entries", [new("kind", "md5"), new("value", new string('A', 32))])).StatusCode);

        using var upload = new MultipartFormDataContent
        {
            { new StringContent(curt.Csrf!), "__csrf" },
            { new StringContent("md5"), "kind" },
            { new StringContent("# two entries\n" + new string('b', 32) + "\nsha1 " + new string('c', 40) + "\n"), "file", "list.txt" },
        };
        var imported = await curt.PostMultipartAsync("/console/banks/internal-review/import", upload);
        Assert.Equal(HttpStatusCode.OK, imported.StatusCode);
        Assert.Contains("Imported 2 entries.", curt.LastHtml, StringComparison.Ordinal);
        var entries = await _host.Banks.ListEntriesAsync("internal-review", null, 10);
        Assert.Equal(["sha1", "md5", "md5"], entries.Select(e => e.Kind));
        Assert.Equal(new string('a', 32), entries[^1].Value);
    }
}
