// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Safeguard.Transparency;

namespace Safeguard.Console.Tests;

/// <summary>The transparency and offence statistics pages, over HTTP on the real console.</summary>
public sealed class TransparencyPagesTests : IAsyncLifetime
{
    private ConsoleTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ConsoleTestHost.StartAsync(ct: TestContext.Current.CancellationToken);
        await SampleHistory.WriteAsync(_host.Records, 5, 150, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Auditor_SeesTheReport_WithChartsAllowedByStyleHashOnly()
    {
        using var audrey = new ConsoleClient(_host.BaseUrl);
        await audrey.SignInAsync("audrey");
        var form = await audrey.GetAsync("/console/transparency");
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains("id=\"transparency\"", audrey.LastHtml, StringComparison.Ordinal);
        Assert.Contains("href=\"/console/transparency\"", audrey.LastHtml, StringComparison.Ordinal);

        var report = await audrey.GetAsync("/console/transparency/report?from=2025-04-01&to=2025-07-01&variant=public&format=html");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType?.MediaType);
        string html = audrey.LastHtml;
        Assert.Contains("transparency report", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        string csp = string.Join(";", report.Headers.GetValues("Content-Security-Policy"));
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        var styles = Regex.Matches(html, "<style>(.*?)</style>", RegexOptions.Singleline);
        Assert.NotEmpty(styles);
        foreach (Match style in styles)
        {
            string hash = "'sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(style.Groups[1].Value))) + "'";
            Assert.Contains(hash, csp, StringComparison.Ordinal);
        }

        var csv = await audrey.GetAsync("/console/transparency/report?from=2025-04-01&to=2025-07-01&format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("period_from,period_to,id,", await csv.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        var bundle = await audrey.GetAsync("/console/transparency/report?from=2025-04-01&to=2025-07-01&format=bundle");
        Assert.Contains("safeguard.regulator-bundle", await bundle.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);

        var bad = await audrey.GetAsync("/console/transparency/report?from=2025-07-01&to=2025-04-01");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("to: must be after from", WebUtility.HtmlDecode(audrey.LastHtml), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reviewer_IsRefused()
    {
        using var alice = new ConsoleClient(_host.BaseUrl);
        await alice.SignInAsync("alice");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/transparency")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/transparency/report?from=2025-04-01&to=2025-07-01")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("/console/offences")).StatusCode);
    }

    [Fact]
    public async Task OffenceStatistics_FromAnUploadedTable_ShowTheSeedFiguresAndCharts()
    {
        using var audrey = new ConsoleClient(_host.BaseUrl);
        await audrey.SignInAsync("audrey");
        await audrey.GetAsync("/console/offences");
        var table = await File.ReadAllBytesAsync(TestData.Path("offences", "nspcc-foi-2016-2018.csv"), TestContext.Current.CancellationToken);
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(audrey.Csrf!), "__csrf" },
            { new StringContent("86"), "offence" },
            { new ByteArrayContent(table), "table", "nspcc-foi-2016-2018.csv" },
        };
        var response = await audrey.PostMultipartAsync("/console/offences", upload);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string html = WebUtility.HtmlDecode(audrey.LastHtml);
        // Hampshire 974 → 1,199 is +23.1 % and 3.28 a day; the UK's 22,724 is one every 23.1 minutes.
        Assert.Contains("1,199", html, StringComparison.Ordinal);
        Assert.Contains("+23.1", html, StringComparison.Ordinal);
        Assert.Contains("<td>3.28</td>", html, StringComparison.Ordinal);
        Assert.Contains("23.1 minutes", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);

        using var bad = new MultipartFormDataContent
        {
            { new StringContent(audrey.Csrf!), "__csrf" },
            { new ByteArrayContent("Financial Year,Force Name\n2017/18,Hampshire\n"u8.ToArray()), "table", "bad.csv" },
        };
        Assert.Equal(HttpStatusCode.BadRequest, (await audrey.PostMultipartAsync("/console/offences", bad)).StatusCode);
        Assert.Contains("class=\"error\"", audrey.LastHtml, StringComparison.Ordinal);
    }
}
