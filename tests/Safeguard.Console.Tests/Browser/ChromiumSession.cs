// SPDX-License-Identifier: Apache-2.0
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

using Safeguard.ReviewConsole;

namespace Safeguard.Console.Tests.Browser;

/// <summary>
/// Headless Debian Chromium driven through Debian's chromedriver (both installed by
/// scripts/deps-browser.sh). Never downloads a browser. Missing browser: skipped locally,
/// a failure on CI (CI=true).
/// </summary>
internal static class ChromiumSession
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    public static ChromeDriver Start(string userDataDir)
    {
        if (!File.Exists(Browser) || !File.Exists(Driver))
        {
            var message = $"headless Chromium is not installed ({Browser}, {Driver}); run scripts/deps-browser.sh (apt: chromium chromium-driver)";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }
            Assert.Skip(message);
        }
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--window-size=1280,900", "--user-data-dir=" + userDataDir);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}
