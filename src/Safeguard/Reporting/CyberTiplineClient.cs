// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Safeguard.Reporting;

/// <summary>NCMEC's two environments; their base URIs and credentials are configured separately.</summary>
public enum CyberTiplineEnvironment
{
    /// <summary><c>https://exttest.cybertip.org/ispws</c></summary>
    Test,

    /// <summary><c>https://report.cybertip.org/ispws</c></summary>
    Production,
}

/// <summary>
/// One parsed response of the CyberTipline API, with the raw body kept byte for byte (the finish
/// response is the 18 U.S.C. 2258A(h)(1) notification).
/// </summary>
public sealed record CyberTiplineResponse(
    string Endpoint,
    int HttpStatus,
    int? ResponseCode,
    string? Description,
    long? ReportId,
    string? FileId,
    string? Md5,
    IReadOnlyList<string> FileIds,
    string? RequestId,
    IReadOnlyList<string> Headers,
    byte[] RawBody)
{
    /// <summary>True for HTTP 2xx with response code 0.</summary>
    public bool IsSuccess => HttpStatus is >= 200 and < 300 && ResponseCode == 0;
}

/// <summary>The request may or may not have reached NCMEC (timeout, dropped connection).</summary>
public sealed class CyberTiplineTransportException(string endpoint, string message, Exception inner)
    : Exception($"CyberTipline {endpoint}: {message}", inner)
{
    public string Endpoint { get; } = endpoint;
}

/// <summary>
/// A thin HTTP client for the seven CyberTipline endpoints (specs/ncmec-cybertipline.md §3). It
/// sends what it is given and parses what comes back, error bodies included; the retry, deadline
/// and idempotency rules live in <see cref="NcmecReportSender"/>.
/// </summary>
public sealed class CyberTiplineClient
{
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly AuthenticationHeaderValue _auth;

    /// <summary>
    /// A client for one environment. The <paramref name="http"/> client's timeout bounds each call;
    /// <paramref name="baseUri"/> is e.g. <c>https://exttest.cybertip.org/ispws/</c>.
    /// </summary>
    public CyberTiplineClient(HttpClient http, Uri baseUri, string username, string password, CyberTiplineEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUri);
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        _http = http;
        _base = baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/");
        _auth = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
        Environment = environment;
    }

    public CyberTiplineEnvironment Environment { get; }

    public Uri BaseUri => _base;

    public static Uri DefaultBaseUri(CyberTiplineEnvironment environment) => environment switch
    {
        CyberTiplineEnvironment.Production => new Uri("https://report.cybertip.org/ispws/"),
        _ => new Uri("https://exttest.cybertip.org/ispws/"),
    };

    public Task<CyberTiplineResponse> StatusAsync(CancellationToken ct) => SendAsync("status", HttpMethod.Get, null, ct);

    public async Task<byte[]> GetSchemaAsync(CancellationToken ct)
    {
        var response = await SendAsync("xsd", HttpMethod.Get, null, ct).ConfigureAwait(false);
        if (response.HttpStatus is < 200 or >= 300)
        {
            throw new HttpRequestException($"CyberTipline xsd: HTTP {response.HttpStatus}");
        }
        return response.RawBody;
    }

    public Task<CyberTiplineResponse> SubmitAsync(byte[] reportXml, CancellationToken ct) =>
        SendAsync("submit", HttpMethod.Post, XmlContent(reportXml), ct);

    public Task<CyberTiplineResponse> UploadAsync(long reportId, byte[] file, string fileName, CancellationToken ct)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(reportId.ToString(CultureInfo.InvariantCulture)), "id" },
        };
        var bytes = new ByteArrayContent(file);
        bytes.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(bytes, "file", fileName);
        return SendAsync("upload", HttpMethod.Post, form, ct);
    }

    public Task<CyberTiplineResponse> FileInfoAsync(byte[] fileDetailsXml, CancellationToken ct) =>
        SendAsync("fileinfo", HttpMethod.Post, XmlContent(fileDetailsXml), ct);

    public Task<CyberTiplineResponse> FinishAsync(long reportId, CancellationToken ct) =>
        SendAsync("finish", HttpMethod.Post, IdForm(reportId), ct);

    public Task<CyberTiplineResponse> RetractAsync(long reportId, CancellationToken ct) =>
        SendAsync("retract", HttpMethod.Post, IdForm(reportId), ct);

    private static ByteArrayContent XmlContent(byte[] xml)
    {
        var content = new ByteArrayContent(xml);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" };
        return content;
    }

    private static FormUrlEncodedContent IdForm(long reportId) =>
        new([new KeyValuePair<string, string>("id", reportId.ToString(CultureInfo.InvariantCulture))]);

    private async Task<CyberTiplineResponse> SendAsync(string endpoint, HttpMethod method, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(_base, endpoint)) { Content = content };
        request.Headers.Authorization = _auth;
        HttpResponseMessage response;
        byte[] body;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
            body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CyberTiplineTransportException(endpoint, "connection failed or dropped", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new CyberTiplineTransportException(endpoint, "timed out", e);
        }
        using (response)
        {
            var headers = response.Headers.Concat(response.Content.Headers)
                .Select(h => h.Key + ": " + string.Join(", ", h.Value))
                .ToList();
            string? requestId = response.Headers.TryGetValues("Request-ID", out var ids) ? ids.FirstOrDefault() : null;
            return Parse(endpoint, (int)response.StatusCode, body, requestId, headers);
        }
    }

    /// <summary>Parses a <c>reportResponse</c> or <c>reportDoneResponse</c>; an unreadable body gives null fields.</summary>
    public static CyberTiplineResponse Parse(string endpoint, int httpStatus, byte[] body, string? requestId, IReadOnlyList<string> headers)
    {
        ArgumentNullException.ThrowIfNull(body);
        int? code = null;
        string? description = null, fileId = null, md5 = null;
        long? reportId = null;
        var fileIds = new List<string>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), CyberTiplineSchema.SafeReaderSettings());
            var root = XDocument.Load(reader).Root;
            if (root is not null && root.Name.LocalName is "reportResponse" or "reportDoneResponse")
            {
                code = int.TryParse(Child(root, "responseCode"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : null;
                description = Child(root, "responseDescription");
                reportId = long.TryParse(Child(root, "reportId"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long r) ? r : null;
                fileId = Child(root, "fileId");
                md5 = Child(root, "hash");
                var files = root.Elements().FirstOrDefault(e => e.Name.LocalName == "files");
                if (files is not null)
                {
                    fileIds.AddRange(files.Elements().Where(e => e.Name.LocalName == "fileId").Select(e => e.Value.Trim()));
                }
            }
        }
        catch (XmlException)
        {
            // An HTML error page from a proxy, or a truncated body: keep the raw bytes, no code.
        }
        return new CyberTiplineResponse(endpoint, httpStatus, code, description, reportId, fileId, md5, fileIds, requestId, headers, body);

        static string? Child(XElement parent, string name) =>
            parent.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value.Trim();
    }
}
