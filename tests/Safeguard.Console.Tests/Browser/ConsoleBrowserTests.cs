// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Interactions;
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.Console.Tests.Browser;

/// <summary>Drives the real console in headless Chromium through a reviewer's whole flow.</summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("dev-only-browser-test-secret");
    private readonly string _profile = Path.Combine(Path.GetTempPath(), "sg-chromium-" + Guid.NewGuid().ToString("N"));
    private WebhookReceiver _receiver = null!;
    private ConsoleTestHost _host = null!;
    private ChromeDriver? _driver;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = await ConsoleTestHost.StartAsync(o => o.Webhook = new WebhookEndpoint(_receiver.Url, Secret));
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

    [Fact]
    public async Task Reviewer_ClaimsRevealsConfirms_WebhookAndAuditFollow_SecondReviewerIsRefused()
    {
        var imageCase = await _host.OpenImageCaseAsync(priority: CasePriority.High);
        var textCase = await _host.OpenTextCaseAsync();
        await _host.OpenImageCaseAsync("bridge-mods/blur-a-little.jpg", userRef: "user-100", priority: CasePriority.Normal);
        var driver = _driver = ChromiumSession.Start(_profile);

        SignIn(driver, "alice");
        Assert.EndsWith("/console/queue", driver.Url, StringComparison.Ordinal);
        Assert.Contains("Image cases today: 0 of 100", driver.FindElement(By.Id("exposure")).Text, StringComparison.Ordinal);
        Assert.Equal(3, driver.FindElements(By.CssSelector("#queue tbody tr[data-case]")).Count);
        Screenshot(driver, "console-queue.png");

        // Keyboard: "n" claims the most urgent case and opens it.
        PressKey(driver, "n");
        Wait(driver, () => driver.Url.EndsWith($"/console/cases/{imageCase.Id}", StringComparison.Ordinal));
        Assert.Equal("in-review", driver.FindElement(By.Id("case-status")).Text);
        Assert.Contains("Image cases today: 1 of 100", driver.FindElement(By.Id("exposure")).Text, StringComparison.Ordinal);

        var image = driver.FindElement(By.Id("evidence-image"));
        Wait(driver, () => (bool)driver.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth > 0;", image)!);
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

        // Decide from the keyboard: c chooses confirm and focuses the reason; Ctrl+Enter submits.
        PressKey(driver, "c");
        Assert.True(driver.FindElement(By.Id("decision-confirm")).Selected);
        Assert.Equal("reason", driver.SwitchTo().ActiveElement().GetAttribute("id"));
        new Actions(driver).SendKeys("Matches the listed placeholder item.").KeyDown(Keys.Control).SendKeys(Keys.Enter).KeyUp(Keys.Control).Perform();
        Wait(driver, () => driver.Url.EndsWith("/console/queue", StringComparison.Ordinal));
        Assert.Equal(CaseStatus.Confirmed, (await _host.CaseStore.GetAsync(imageCase.Id))!.Status);
        Assert.Contains((await _host.CaseStore.HistoryAsync(imageCase.Id)), h => h.Action == CaseAction.Reveal);

        // The platform's receiver gets the signed webhook; verify it with an HMAC computed here.
        var (body, headers) = await _receiver.WaitForAsync(1, TimeSpan.FromSeconds(15));
        var signature = headers[WebhookSignature.HeaderName];
        var t = signature.Split(',')[0]["t=".Length..];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Secret, Encoding.UTF8.GetBytes(t + "." + body)));
        Assert.Equal($"t={t},v1={expected}", signature);
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal("case.decided", json.RootElement.GetProperty("type").GetString());
            Assert.Equal("remove", json.RootElement.GetProperty("action").GetString());
            Assert.Equal(imageCase.Id, json.RootElement.GetProperty("caseId").GetInt64());
            Assert.Equal(json.RootElement.GetProperty("id").GetString(), headers[WebhookSignature.EventIdHeader]);
        }

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
        Assert.Equal("alice", (await _host.CaseStore.GetAsync(textCase.Id))!.Assignee);
        SignOut(driver);

        // The auditor finds the decision in the audit log.
        SignIn(driver, "audrey");
        driver.Navigate().GoToUrl(new Uri(_host.BaseUrl, "/console/audit"));
        var row = driver.FindElement(By.CssSelector("#audit tr[data-kind='case.decided']"));
        Assert.Contains("alice", row.Text, StringComparison.Ordinal);
        Assert.Contains($"\"caseId\":{imageCase.Id}", row.Text, StringComparison.Ordinal);

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
