// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Safeguard.Hashing;
using Safeguard.Server.Tests.Kit;
using static Safeguard.Server.Tests.Kit.Api;

namespace Safeguard.Server.Tests.Api;

/// <summary>
/// Checks made with image bytes. The expected PDQ hashes are the reference values in
/// tests/data/pdq/expected/generated/pytx-hma-pipeline.csv (the HMA pipeline, Safeguard's default preset).
/// </summary>
public sealed class ImageCheckTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    // Safeguard decodes with a different library than the reference pipeline; on this 1.6-megapixel
    // JPEG the two reference pipelines themselves differ by 6 bits (distance-cpp-cli-vs-pytx.csv).
    private const int DecoderTolerance = 10;
    private const string Image = "bridge-mods/aaa-orig.jpg";

    private static string ImagePath => Path.Combine(AppContext.BaseDirectory, "data", "pdq", Image);

    private static Hash256 ReferencePdq()
    {
        var csv = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "data", "pdq", "expected", "generated", "pytx-hma-pipeline.csv"));
        var row = csv.Single(l => l.StartsWith(Image + ",", StringComparison.Ordinal)).Split(',');
        return Hash256.Parse(row[1]);
    }

    [Fact]
    public async Task MultipartImage_IsHashed_AndMatchesABankHoldingItsReferencePdq()
    {
        using var client = fixture.Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank, action: "hold");
        var reference = ReferencePdq();
        await AddEntryAsync(client, bank, "pdq", reference.ToString());
        byte[] bytes = await File.ReadAllBytesAsync(ImagePath, TestContext.Current.CancellationToken);

        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } }, "file", "upload.jpg" },
            { new StringContent("content-1"), "contentRef" },
        };
        var response = await client.PostAsync("/v1/check", form, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var hashes = result.GetProperty("hashes");
        int distance = Hash256.Parse(hashes.GetProperty("pdq").GetString()).DistanceTo(reference);
        Assert.InRange(distance, 0, DecoderTolerance);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), hashes.GetProperty("md5").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA1.HashData(bytes)), hashes.GetProperty("sha1").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), hashes.GetProperty("sha256").GetString());
        Assert.Equal("hold", result.GetProperty("decision").GetString());
        Assert.Equal(distance, result.GetProperty("matches")[0].GetProperty("distance").GetInt32());
    }

    [Fact]
    public async Task RawImageBody_WithReferenceHeaders_IsRecorded()
    {
        using var client = fixture.Server.Client();
        string bank = NewBankName();
        await CreateBankAsync(client, bank);
        // A variant with its own digest: a block bank holding the plain file's SHA-256 would also
        // match the other tests of this class, which share the server and expect their own decision.
        byte[] bytes = WithJpegComment(await File.ReadAllBytesAsync(ImagePath, TestContext.Current.CancellationToken));
        await AddEntryAsync(client, bank, "sha256", Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/check") { Content = content };
        request.Headers.Add("Safeguard-Content-Ref", "post-77");
        request.Headers.Add("Safeguard-User-Ref", "user-88");
        var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("block", result.GetProperty("decision").GetString());
        var recorded = await fixture.Server.Store.ListRecordedChecksAsync(result.GetProperty("checkId").GetInt64() - 1, 1, TestContext.Current.CancellationToken);
        Assert.Equal("post-77", recorded[0].ContentRef);
        Assert.Equal("user-88", recorded[0].UserRef);
    }

    /// <summary>The same JPEG with a comment segment after SOI: same pixels, different bytes.</summary>
    private static byte[] WithJpegComment(byte[] jpeg)
    {
        byte[] comment = [0xFF, 0xFE, 0x00, 0x06, (byte)'t', (byte)'e', (byte)'s', (byte)'t'];
        return [.. jpeg[..2], .. comment, .. jpeg[2..]];
    }

    [Fact]
    public async Task NotAnImage_Is415_AndTruncatedImage_IsNever5xx()
    {
        using var client = fixture.Server.Client();
        var text = new ByteArrayContent("just some text, not an image"u8.ToArray());
        text.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        await ProblemAsync(await client.PostAsync("/v1/check", text, TestContext.Current.CancellationToken), HttpStatusCode.UnsupportedMediaType);

        byte[] bytes = await File.ReadAllBytesAsync(ImagePath, TestContext.Current.CancellationToken);
        var truncated = new ByteArrayContent(bytes[..(bytes.Length / 3)]);
        truncated.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        // Decoders may hash what arrived of a cut-short JPEG, or refuse it; either way no 5xx, and a refusal names the field.
        var response = await client.PostAsync("/v1/check", truncated, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}");
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
            Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
        }
    }
}
