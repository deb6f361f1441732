// SPDX-License-Identifier: Apache-2.0
using System.Text.Json;
using System.Text.Json.Nodes;
using Safeguard.Server.Tests.Kit;

namespace Safeguard.Server.Tests.Api;

/// <summary>The served OpenAPI document equals the committed docs/openapi/v1.json, so API changes show in review.</summary>
public sealed class OpenApiDocumentTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task ServedDocument_EqualsTheCommittedOne()
    {
        using var client = fixture.Server.Client();
        string served = Normalize(await client.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken));
        string committedPath = Path.Combine(AppContext.BaseDirectory, "openapi", "v1.json");
        string actualPath = Path.Combine(AppContext.BaseDirectory, "openapi-v1.served.json");
        await File.WriteAllTextAsync(actualPath, served, TestContext.Current.CancellationToken);
        Assert.True(File.Exists(committedPath), $"docs/openapi/v1.json is missing; copy {actualPath} there");
        string committed = Normalize(await File.ReadAllTextAsync(committedPath, TestContext.Current.CancellationToken));
        Assert.True(committed == served,
            $"the API changed: review the difference, then copy {actualPath} to docs/openapi/v1.json (or run scripts/update-openapi.sh)");
        using var doc = JsonDocument.Parse(served);
        Assert.True(doc.RootElement.GetProperty("paths").TryGetProperty("/v1/check", out _));
    }

    private static string Normalize(string json) =>
        JsonNode.Parse(json)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
}
