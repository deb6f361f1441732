// SPDX-License-Identifier: Apache-2.0
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace Safeguard.Cli.Tests;

/// <summary>
/// The HTML transparency report renders in headless Chromium (no network, fresh profile). Chromium comes from
/// scripts/deps-chromium.sh (SAFEGUARD_CHROMIUM); without it the test skips locally and fails on CI.
/// The committed picture in docs/ is made by scripts/transparency-screenshot.sh the same way.
/// </summary>
public sealed class TransparencyHtmlRenderTests : IDisposable
{
    private const int Width = 900;
    private const int Height = 2400;
    private readonly string _dir = Directory.CreateTempSubdirectory("sg-chromium-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string FindChromiumOrSkip()
    {
        string? path = Environment.GetEnvironmentVariable("SAFEGUARD_CHROMIUM");
        if (string.IsNullOrEmpty(path) && File.Exists("/usr/bin/chromium"))
        {
            path = "/usr/bin/chromium";
        }
        if (!string.IsNullOrEmpty(path) && File.Exists(path))
        {
            return path;
        }
        const string reason = "Chromium not found: run scripts/deps-chromium.sh or set SAFEGUARD_CHROMIUM";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail(reason);
        }
        Assert.Skip(reason);
        return "";
    }

    [Fact]
    public async Task HtmlReport_RendersInHeadlessChromium()
    {
        string chromium = FindChromiumOrSkip();
        string records = Path.Combine(_dir, "records.jsonl");
        string html = Path.Combine(_dir, "report.html");
        Assert.Equal(0, (await CliRunner.RunAsync(["transparency", "sample", "--out", records, "--items", "300"])).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync(["transparency", "--records", records, "--from", "2025-04-01", "--to", "2025-07-01", "--format", "html", "--out", html])).ExitCode);

        string png = Path.Combine(AppContext.BaseDirectory, "transparency-report.png");
        File.Delete(png);
        var psi = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", $"--user-data-dir={Path.Combine(_dir, "profile")}", "--hide-scrollbars",
            $"--window-size={Width},{Height}", $"--screenshot={png}", new Uri(html).AbsoluteUri,
        })
        {
            psi.ArgumentList.Add(a);
        }
        using (var process = Process.Start(psi)!)
        {
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            _ = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("Chromium did not finish within two minutes");
            }
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {await stderr}");
        }

        byte[] bytes = await File.ReadAllBytesAsync(png, TestContext.Current.CancellationToken);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        Assert.Equal(Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        // A blank page decodes to one colour; the report has text, bars in two blues and rules.
        Assert.True(DistinctBytes(bytes) > 40, "the screenshot looks blank");
    }

    /// <summary>Distinct byte values in the inflated PNG image data: a cheap "is anything drawn" check.</summary>
    private static int DistinctBytes(byte[] png)
    {
        using var idat = new MemoryStream();
        int at = 8;
        while (at + 8 <= png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            if (type == "IDAT")
            {
                idat.Write(png, at + 8, length);
            }
            at += 12 + length;
        }
        idat.Position = 0;
        using var z = new ZLibStream(idat, CompressionMode.Decompress);
        var seen = new bool[256];
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = z.Read(buffer)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                seen[buffer[i]] = true;
            }
        }
        return seen.Count(s => s);
    }
}
