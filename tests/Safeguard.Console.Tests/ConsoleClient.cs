// SPDX-License-Identifier: Apache-2.0
using System.Net;
using System.Text.RegularExpressions;

using Safeguard.ReviewConsole;

namespace Safeguard.Console.Tests;

/// <summary>
/// A minimal browser over HttpClient for HTTP-level console tests: keeps cookies itself (HttpClient's
/// container refuses Secure cookies over loopback http, which browsers accept for localhost) and
/// reads the CSRF token from the last page.
/// </summary>
internal sealed partial class ConsoleClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public ConsoleClient(Uri baseUrl)
    {
        _http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseUrl };
    }

    public string LastHtml { get; private set; } = string.Empty;

    public List<string> SetCookieHeaders { get; } = [];

    public string? Csrf => CsrfPattern().Match(LastHtml) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form, bool withCsrf = true)
    {
        var fields = form.ToList();
        if (withCsrf && Csrf is { } token)
        {
            fields.Add(new("__csrf", token));
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostMultipartAsync(string path, MultipartFormDataContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        return await SendAsync(request);
    }

    public async Task<HttpResponseMessage> SignInAsync(string name, string password = ConsoleTestHost.Password)
    {
        await GetAsync("/console/login");
        return await PostAsync("/console/login", [new("name", name), new("password", password)]);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var header in setCookies)
            {
                SetCookieHeaders.Add(header);
                var pair = header.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                if (value.Length == 0 || header.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = value;
                }
            }
        }
        var text = await response.Content.ReadAsStringAsync();
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            LastHtml = text;
        }
        return response;
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfPattern();
}
