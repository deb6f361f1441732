// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using Microsoft.Extensions.DependencyInjection;
using Safeguard.Cases;
using Safeguard.Webhooks;

using Safeguard.ReviewConsole;

namespace Safeguard.Console.Tests.Browser;

/// <summary>
/// Drives the console of the real server in headless Chromium through a reviewer's whole flow: the
/// case comes from a real <c>POST /v1/check</c> of a benign reference photo that matches a review bank.
/// </summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    private const string Secret = "dev-only-browser-test-secret";
    private const string Image = "bridge-mods/aaa-orig.jpg";
    private readonly string _profile = Path.Combine(Path.GetTempPath(), "sg-chromium-" + Guid.NewGuid().ToString("N"));
    private WebhookReceiver _receiver = null!;
    private ServerConsoleHost _host = null!;
    private ChromeDriver? _driver;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = await ServerConsoleHost.StartAsync($"--Safeguard:Webhooks:Url={_receiver.Url}", $"--Safeguard:Webhooks:Secret={Secret}");
    }

    public async ValueTask DisposeAsync()
    {
        _driver?.Quit();
        _driver?.Dispose();
        await _host.DisposeAsync();
        await _receiver.DisposeAsync();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium may still be releasing its profile; the temp folder is cleaned by the OS.
        }
    }

    private async Task<JsonElement> CheckImageAsync(HttpClient api, byte[] bytes, string contentRef, string userRef)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(contentRef), "contentRef" },
            { new StringContent(userRef), "userRef" },
            { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "file", "upload.jpg" },
        };
        var response = await api.PostAsync("/v1/check", form);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task CreateBankAsync(HttpClient api, string name, string action) =>
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/v1/banks", new { name, source = "internal", category = "test", action })).StatusCode);

    [Fact]
    public async Task Reviewer_ClaimsRevealsConfirms_WebhookFeedbackAndAuditFollow_SecondReviewerIsRefused()
    {
        var cases = _host.Services.GetRequiredService<ICaseStore>();
        using var api = _host.Api();
        var bytes = await File.ReadAllBytesAsync(TestData.Path("pdq", Image));

        // A review bank holding the photo's PDQ hash (as the server computes it), and a bank for confirmed items.
        var probe = await CheckImageAsync(api, bytes, "probe", "user-probe");
        Assert.Equal("allow", probe.GetProperty("decision").GetString());
        var pdq = probe.GetProperty("hashes").GetProperty("pdq").GetString()!;
        await CreateBankAsync(api, "review-bank", "review");
        await CreateBankAsync(api, "confirmed-bank", "block");
        await CreateBankAsync(api, "cleared-bank", "allow");
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/v1/banks/review-bank/entries", new { kind = "pdq", value = pdq, labels = new[] { "placeholder-label" } })).StatusCode);

        var checkResult = await CheckImageAsync(api, bytes, "content-4711", "user-100");
        Assert.Equal("review", checkResult.GetProperty("decision").GetString());
        var imageCase = Assert.Single(await cases.QueryAsync(new CaseQuery()), c => c.CheckId == checkResult.GetProperty("checkId").GetInt64());
        // Grooming and text cases are opened by other parts of the server through CaseService.OpenAsync.
        var textCase = await _host.Services.GetRequiredService<CaseService>().OpenAsync(new NewCase(CaseKind.Text, CasePriority.Low, "keyword list: placeholder",
            CaseEvidence.Empty with { TextHits = [new TextHit("placeholder-list", "pinecone", "… meet at the pinecone spot …")], UserRef = "user-200", ContentRef = "message-1" }));
        var driver = _driver = ChromiumSession.Start(_profile);

        SignIn(driver, "alice");
        Assert.EndsWith("/console/queue", driver.Url, StringComparison.Ordinal);
        Assert.Contains("Image cases today: 0 of 100", driver.FindElement(By.Id("exposure")).Text, StringComparison.Ordinal);
        Assert.Equal(2, driver.FindElements(By.CssSelector("#queue tbody tr[data-case]")).Count);
        Screenshot(driver, "console-queue.png");

        // Keyboard: "n" claims the most urgent case and opens it.
        PressKey(driver, "n");
        Wait(driver, () => driver.Url.EndsWith($"/console/cases/{imageCase.Id}", StringComparison.Ordinal));
        Assert.Equal("in-review", driver.FindElement(By.Id("case-status")).Text);
        Assert.Contains("Image cases today: 1 of 100", driver.FindElement(By.Id("exposure")).Text, StringComparison.Ordinal);
        Assert.Contains("review-bank", driver.FindElement(By.Id("matches")).Text, StringComparison.Ordinal);

        var image = driver.FindElement(By.Id("evidence-image"));
        Wait(driver, () => (bool)driver.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth > 0;", image)!);
        // The reviewer gets the reduced-size thumbnail, never the upload.
        Assert.Equal(320L, (long)driver.ExecuteScript("return Math.max(arguments[0].naturalWidth, arguments[0].naturalHeight);", image)!);
        AssertBlurred(driver, image);
        Screenshot(driver, "console-case.png");

        // Reveal deliberately (button), then leave the tab: the image is blurred again.
        driver.FindElement(By.Id("reveal")).Click();
        AssertRevealed(driver, image);
        var caseWindow = driver.CurrentWindowHandle;
        driver.SwitchTo().NewWindow(WindowType.Tab);
        driver.SwitchTo().Window(caseWindow);
        AssertBlurred(driver, image);

        // Reveal by keyboard, then navigate away and back: a fresh page starts blurred.
        PressKey(driver, "v");
        AssertRevealed(driver, image);
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, "/console/settings"));
        driver.Navigate().Back();
        image = driver.FindElement(By.Id("evidence-image"));
        AssertBlurred(driver, image);

        // Decide from the keyboard: choose the feedback bank, c chooses confirm and focuses the reason; Ctrl+Enter submits.
        driver.FindElement(By.CssSelector("#bank option[value='confirmed-bank']")).Click();
        PressKey(driver, "c");
        Assert.True(driver.FindElement(By.Id("decision-confirm")).Selected);
        Assert.Equal("reason", driver.SwitchTo().ActiveElement().GetAttribute("id"));
        new Actions(driver).SendKeys("Matches the listed placeholder item.").KeyDown(Keys.Control).SendKeys(Keys.Enter).KeyUp(Keys.Control).Perform();
        Wait(driver, () => driver.Url.EndsWith("/console/queue", StringComparison.Ordinal));
        Assert.Equal(CaseStatus.Confirmed, (await cases.GetAsync(imageCase.Id))!.Status);
        Assert.Contains(await cases.HistoryAsync(imageCase.Id), h => h.Action == CaseAction.Reveal);

        // The platform's receiver gets the signed webhook; verify it with an HMAC computed here.
        var (body, headers) = await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(15));
        var signature = headers[WebhookSignature.HeaderName];
        var t = signature.Split(',')[0]["t=".Length..];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(t + "." + body)));
        Assert.Equal($"t={t},v1={expected}", signature);
        Assert.True(WebhookSignature.Verify(Encoding.UTF8.GetBytes(Secret), signature, body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal("case.decided", json.RootElement.GetProperty("type").GetString());
            Assert.Equal("remove", json.RootElement.GetProperty("action").GetString());
            Assert.Equal(imageCase.Id, json.RootElement.GetProperty("caseId").GetInt64());
            Assert.Equal("content-4711", json.RootElement.GetProperty("contentRef").GetString());
            Assert.Equal(json.RootElement.GetProperty("id").GetString(), headers[WebhookSignature.EventIdHeader]);
        }

        // The confirmed item's hashes went into the chosen bank through the real store, and a check now blocks it.
        var entries = await api.GetFromJsonAsync<JsonElement>("/v1/banks/confirmed-bank/entries");
        Assert.Contains(entries.GetProperty("entries").EnumerateArray(), e => e.GetProperty("kind").GetString() == "pdq" && e.GetProperty("value").GetString() == pdq);
        Assert.Equal("block", (await CheckImageAsync(api, bytes, "content-4712", "user-100")).GetProperty("decision").GetString());

        // Alice takes the text case; Bob, signed in next, can neither see a claim button nor claim it.
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, $"/console/cases/{textCase.Id}"));
        PressKey(driver, "a");
        Wait(driver, () => driver.FindElements(By.Id("decide-form")).Count == 1);
        SignOut(driver);

        SignIn(driver, "bob");
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, $"/console/cases/{textCase.Id}"));
        Assert.Equal("Another reviewer is working on this case.", driver.FindElement(By.Id("held-by-other")).Text);
        Assert.Empty(driver.FindElements(By.Id("claim")));
        var status = (long)driver.ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1];"
            + "fetch('/console/cases/" + textCase.Id + "/claim', { method: 'POST', headers: { 'X-CSRF-Token': document.querySelector('meta[name=\"csrf-token\"]').content } })"
            + ".then(function (r) { done(r.status); }, function () { done(-1); });")!;
        Assert.Equal(409, status);
        Assert.Equal("alice", (await cases.GetAsync(textCase.Id))!.Assignee);
        SignOut(driver);

        // The auditor finds the decision, and the bank feedback it caused, in the server's hash-chained audit log.
        SignIn(driver, "audrey");
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, "/console/audit"));
        var row = driver.FindElement(By.CssSelector("#audit tr[data-kind='case.decided']"));
        Assert.Contains("alice", row.Text, StringComparison.Ordinal);
        Assert.Contains($"\"caseId\":{imageCase.Id}", row.Text, StringComparison.Ordinal);
        Assert.Contains("console:alice", driver.FindElement(By.CssSelector("#audit tr[data-kind='entries.imported']")).Text, StringComparison.Ordinal);
        var verify = await api.GetFromJsonAsync<JsonElement>("/v1/audit/verify");
        Assert.True(verify.GetProperty("valid").GetBoolean());

        // Nothing was fetched from anywhere but this server.
        var origins = (IReadOnlyCollection<object>)driver.ExecuteScript("return performance.getEntriesByType('resource').map(function (e) { return new URL(e.name).origin; });")!;
        Assert.All(origins, o => Assert.Equal(_host.BaseUrl.GetLeftPart(UriPartial.Authority), (string)o));
    }

    private void SignIn(ChromeDriver driver, string name)
    {
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, "/console/login"));
        driver.FindElement(By.Id("name")).SendKeys(name);
        driver.FindElement(By.Id("password")).SendKeys(ConsoleTestHost.Password);
        driver.FindElement(By.Id("sign-in")).Click();
        Wait(driver, () => driver.Url.EndsWith("/console/queue", StringComparison.Ordinal) || driver.FindElements(By.CssSelector(".error")).Count > 0);
        Assert.Empty(driver.FindElements(By.CssSelector(".error")));
    }

    private static void SignOut(ChromeDriver driver)
    {
        driver.FindElement(By.CssSelector("form[action='/console/logout'] button")).Click();
        Wait(driver, () => driver.Url.EndsWith("/console/login", StringComparison.Ordinal));
    }

    private static void PressKey(ChromeDriver driver, string key)
    {
        // Shortcuts are page-wide: make sure no field has focus (typing in a field is not a shortcut).
        driver.ExecuteScript("if (document.activeElement) document.activeElement.blur();");
        new Actions(driver).SendKeys(key).Perform();
    }

    private static void AssertBlurred(ChromeDriver driver, IWebElement image) =>
        Wait(driver, () => Filter(driver, image) is var f && f.Contains("blur(", StringComparison.Ordinal) && f.Contains("grayscale(1)", StringComparison.Ordinal),
            () => $"expected a blurred, grey image; filter was '{Filter(driver, image)}'");

    private static void AssertRevealed(ChromeDriver driver, IWebElement image) =>
        Wait(driver, () => !Filter(driver, image).Contains("blur(", StringComparison.Ordinal), () => $"expected the image revealed; filter was '{Filter(driver, image)}'");

    private static string Filter(ChromeDriver driver, IWebElement image) =>
        (string)driver.ExecuteScript("return getComputedStyle(arguments[0]).filter;", image)!;

    private static void Wait(ChromeDriver driver, Func<bool> condition, Func<string>? describe = null)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                Assert.Fail(describe?.Invoke() ?? $"timed out on {driver.Url}");
            }
            Thread.Sleep(50);
        }
    }

    private static void Screenshot(ChromeDriver driver, string name)
    {
        var folder = Path.Combine(TestData.RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        driver.GetScreenshot().SaveAsFile(Path.Combine(folder, name));
    }
}
