// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Safeguard.Hashing;

namespace Safeguard.Server.Tests.Kit;

/// <summary>Small helpers for calling the API and making test hashes.</summary>
internal static class Api
{
    public static string NewBankName() => "bank-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A random PDQ hash from <paramref name="random"/>.</summary>
    public static Hash256 RandomPdq(Random random)
    {
        Span<byte> bytes = stackalloc byte[32];
        random.NextBytes(bytes);
        return Hash256.FromBytes(bytes);
    }

    /// <summary><paramref name="hash"/> with its first <paramref name="bits"/> bits flipped: exactly that Hamming distance away.</summary>
    public static Hash256 FlipBits(Hash256 hash, int bits)
    {
        for (int k = 0; k < bits; k++)
        {
            hash = hash.WithBit(k, !hash.GetBit(k));
        }
        return hash;
    }

    public static string RandomHex(Random random, int bytes)
    {
        var b = new byte[bytes];
        random.NextBytes(b);
        return Convert.ToHexStringLower(b);
    }

    public static async Task<JsonElement> CreateBankAsync(HttpClient client, string name, string action = "block", int radius = 31, string source = "internal", string category = "test")
    {
        var response = await client.PostAsJsonAsync("/v1/banks", new { name, source, category, radius, action });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<long> AddEntryAsync(HttpClient client, string bank, string kind, string value, string[]? labels = null, string? externalId = null)
    {
        var response = await client.PostAsJsonAsync($"/v1/banks/{bank}/entries", new { kind, value, labels, externalId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public static async Task<JsonElement> CheckAsync(HttpClient client, object hashes, string? contentRef = null, string? userRef = null)
    {
        var response = await client.PostAsJsonAsync("/v1/check", new { hashes, contentRef, userRef });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<string> DecisionAsync(HttpClient client, object hashes) =>
        (await CheckAsync(client, hashes)).GetProperty("decision").GetString()!;

    /// <summary>Reads a problem+json response and checks its status and media type.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }

    public static StringContent TextBody(string text, string mediaType = "text/plain") => new(text, Encoding.UTF8, mediaType);

    /// <summary>Imports <paramref name="text"/> and returns the progress lines.</summary>
    public static async Task<List<JsonElement>> ImportAsync(HttpClient client, string bank, string text, string query = "")
    {
        var response = await client.PostAsync($"/v1/banks/{bank}/import{query}", TextBody(text));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<JsonElement>(l))];
    }

    public static async Task<long> AuditLengthAsync(TestServer server)
    {
        long n = 0;
        await foreach (var _ in server.Store.ReadAuditAsync())
        {
            n++;
        }
        return n;
    }
}
