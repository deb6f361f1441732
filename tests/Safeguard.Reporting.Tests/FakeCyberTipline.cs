// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Safeguard.Reporting;

namespace Safeguard.Reporting.Tests;

/// <summary>A clock the tests move by hand.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>What the test server does to the next request of an endpoint instead of answering normally.</summary>
public enum FaultKind
{
    /// <summary>HTTP 503 with an HTML body and no response code (a proxy error page).</summary>
    Http503Html,

    /// <summary>Answer with <see cref="Fault.Code"/> and <see cref="Fault.HttpStatus"/> without doing anything.</summary>
    Code,

    /// <summary>Never answer (until the client gives up), without processing the request.</summary>
    HangBeforeProcessing,

    /// <summary>Process the request, then never answer.</summary>
    HangAfterProcessing,

    /// <summary>Drop the connection without processing.</summary>
    DropBeforeProcessing,

    /// <summary>Process the request, then drop the connection instead of answering.</summary>
    DropAfterProcessing,

    /// <summary>Upload only: store the file but echo a wrong MD5.</summary>
    WrongMd5,
}

public sealed record Fault(FaultKind Kind, int Code = 0, int HttpStatus = 0);

/// <summary>The server's view of one report.</summary>
public sealed class FakeReport
{
    public required long Id { get; init; }

    public required string ReportXml { get; init; }

    public required DateTimeOffset OpenedAt { get; init; }

    public DateTimeOffset LastModifiedAt { get; set; }

    public string State { get; set; } = "open";

    public List<(string FileId, string Md5, int Length)> Files { get; } = [];

    public Dictionary<string, string> FileDetails { get; } = [];
}

/// <summary>
/// An in-process CyberTipline for tests: the seven documented endpoints on a loopback port, Basic
/// authentication, XSD validation of <c>/submit</c> and <c>/fileinfo</c> (code 4100), the MD5 echo
/// on upload, the abandonment rule max(opened + 24 h, last modified + 1 h) on an injectable clock,
/// the documented error codes, and per-endpoint fault injection.
/// </summary>
public sealed class FakeCyberTipline : IAsyncDisposable
{
    public const string Username = "esp-test";
    public const string Password = "not-a-real-password";

    private readonly WebApplication _app;
    private readonly CyberTiplineSchema _schema;
    private readonly byte[] _xsd;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private long _nextId = 10_000;

    private FakeCyberTipline(WebApplication app, ManualClock clock, byte[] xsd)
    {
        _app = app;
        Clock = clock;
        _xsd = xsd;
        _schema = CyberTiplineSchema.Load(xsd);
    }

    public ManualClock Clock { get; }

    public Uri BaseUri { get; private set; } = null!;

    public List<FakeReport> Reports { get; } = [];

    /// <summary>Requests received per endpoint (after authentication).</summary>
    public Dictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    public IEnumerable<FakeReport> Finished => Reports.Where(r => r.State == "finished");

    public static byte[] SchemaBytes() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "data", "ncmec", "cybertipline-report.xsd"));

    public static async Task<FakeCyberTipline> StartAsync(ManualClock clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeCyberTipline(app, clock, SchemaBytes());
        app.Map("/ispws/{endpoint}", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/ispws/");
        return server;
    }

    public void Inject(string endpoint, params Fault[] faults)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(endpoint, out var queue))
            {
                _faults[endpoint] = queue = new Queue<Fault>();
            }
            foreach (var f in faults)
            {
                queue.Enqueue(f);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, string endpoint)
    {
        context.Response.Headers["Request-ID"] = Guid.NewGuid().ToString("N");
        if (!Authorised(context.Request))
        {
            await Respond(context, 401, Response(2000, "Authentication required"));
            return;
        }
        Fault? fault;
        lock (_gate)
        {
            Calls[endpoint] = Calls.GetValueOrDefault(endpoint) + 1;
            fault = _faults.TryGetValue(endpoint, out var q) && q.Count > 0 ? q.Dequeue() : null;
        }
        switch (fault?.Kind)
        {
            case FaultKind.Http503Html:
                context.Response.StatusCode = 503;
                context.Response.ContentType = "text/html";
                await context.Response.WriteAsync("<html><body>Service Unavailable</body></html>");
                return;
            case FaultKind.Code:
                await Respond(context, fault.HttpStatus, Response(fault.Code, "injected"));
                return;
            case FaultKind.HangBeforeProcessing:
                await HangAsync(context);
                return;
            case FaultKind.DropBeforeProcessing:
                context.Abort();
                return;
        }
        (int status, XElement body) = endpoint switch
        {
            "status" => (200, Response(0, $"Remote User : {Username}, Remote Ip : 127.0.0.1")),
            "xsd" => (200, null!),
            "submit" => Submit(await ReadBodyAsync(context)),
            "upload" => await UploadAsync(context, fault?.Kind == FaultKind.WrongMd5),
            "fileinfo" => FileInfo(await ReadBodyAsync(context)),
            "finish" => Finish(await FormIdAsync(context)),
            "retract" => Retract(await FormIdAsync(context)),
            _ => (404, Response(1210, "Resource not found")),
        };
        if (fault?.Kind == FaultKind.HangAfterProcessing)
        {
            await HangAsync(context);
            return;
        }
        if (fault?.Kind == FaultKind.DropAfterProcessing)
        {
            context.Abort();
            return;
        }
        if (endpoint == "xsd")
        {
            context.Response.ContentType = "application/xml";
            await context.Response.Body.WriteAsync(_xsd);
            return;
        }
        await Respond(context, status, body);
    }

    private static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, as intended.
        }
    }

    private bool Authorised(HttpRequest request)
    {
        string expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Username + ":" + Password));
        return request.Headers.Authorization.ToString() == expected;
    }

    private (int, XElement) Submit(byte[] body)
    {
        if (Validate(body, out var doc) is { } error)
        {
            return (400, Response(4100, "Validation failed: " + error));
        }
        lock (_gate)
        {
            var now = Clock.GetUtcNow();
            var report = new FakeReport { Id = _nextId++, ReportXml = doc!.ToString(), OpenedAt = now, LastModifiedAt = now };
            Reports.Add(report);
            return (200, Response(0, "Success", report.Id));
        }
    }

    private async Task<(int, XElement)> UploadAsync(HttpContext context, bool wrongMd5)
    {
        var form = await context.Request.ReadFormAsync();
        var file = form.Files.GetFile("file");
        if (!long.TryParse(form["id"], NumberStyles.Integer, CultureInfo.InvariantCulture, out long id) || file is null)
        {
            return (400, Response(4200, "Malformed file submittal"));
        }
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer);
        byte[] bytes = buffer.ToArray();
        lock (_gate)
        {
            if (Check(id, out var report) is { } refusal)
            {
                return refusal;
            }
            string fileId = Guid.NewGuid().ToString("N");
            string md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
            report!.Files.Add((fileId, md5, bytes.Length));
            report.LastModifiedAt = Clock.GetUtcNow();
            string echoed = wrongMd5 ? new string('0', 32) : md5;
            var response = Response(0, "Success", id);
            response.Add(new XElement("fileId", fileId), new XElement("hash", echoed));
            return (200, response);
        }
    }

    private (int, XElement) FileInfo(byte[] body)
    {
        if (Validate(body, out var doc) is { } error)
        {
            return (400, Response(4100, "Validation failed: " + error));
        }
        long id = long.Parse(doc!.Root!.Element("reportId")!.Value, CultureInfo.InvariantCulture);
        string fileId = doc.Root.Element("fileId")!.Value;
        lock (_gate)
        {
            if (Check(id, out var report) is { } refusal)
            {
                return refusal;
            }
            if (report!.Files.All(f => f.FileId != fileId))
            {
                return (400, Response(5002, "File does not exist", id));
            }
            if (report.FileDetails.ContainsKey(fileId))
            {
                return (400, Response(4000, "Invalid request: file details already submitted", id));
            }
            report.FileDetails[fileId] = doc.ToString();
            report.LastModifiedAt = Clock.GetUtcNow();
            return (200, Response(0, "Success", id));
        }
    }

    private (int, XElement) Finish(long id)
    {
        lock (_gate)
        {
            if (Check(id, out var report) is { } refusal)
            {
                return refusal;
            }
            report!.State = "finished";
            return (200, new XElement("reportDoneResponse",
                new XElement("responseCode", 0),
                new XElement("reportId", id),
                new XElement("files", report.Files.Select(f => new XElement("fileId", f.FileId)))));
        }
    }

    private (int, XElement) Retract(long id)
    {
        lock (_gate)
        {
            if (Check(id, out var report) is { } refusal)
            {
                return refusal;
            }
            report!.State = "retracted";
            return (200, Response(0, "Success", id));
        }
    }

    /// <summary>The documented refusals for a report that is not open.</summary>
    private (int, XElement)? Check(long id, out FakeReport? report)
    {
        report = Reports.FirstOrDefault(r => r.Id == id);
        if (report is null)
        {
            return (400, Response(5001, "Report does not exist"));
        }
        var now = Clock.GetUtcNow();
        var deadline = report.OpenedAt.AddHours(24) > report.LastModifiedAt.AddHours(1) ? report.OpenedAt.AddHours(24) : report.LastModifiedAt.AddHours(1);
        if (report.State == "open" && now >= deadline)
        {
            report.State = "abandoned";
        }
        return report.State switch
        {
            "abandoned" => (400, Response(5001, "Report does not exist", id)),
            "retracted" => (400, Response(5101, "Report already retracted", id)),
            "finished" => (400, Response(5102, "Report already finished", id)),
            _ => null,
        };
    }

    private string? Validate(byte[] body, out XDocument? doc)
    {
        doc = null;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(body), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            doc = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            return "malformed XML: " + e.Message;
        }
        var errors = _schema.Validate(doc);
        return errors.Count > 0 ? errors[0] : null;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static async Task<long> FormIdAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        return long.TryParse(form["id"], NumberStyles.Integer, CultureInfo.InvariantCulture, out long id) ? id : -1;
    }

    private static XElement Response(int code, string description, long? reportId = null) => new("reportResponse",
        new XElement("responseCode", code),
        new XElement("responseDescription", description),
        reportId is { } r ? new XElement("reportId", r) : null);

    private static async Task Respond(HttpContext context, int status, XElement body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(new XDocument(new XDeclaration("1.0", "UTF-8", null), body).Declaration + "\n" + body);
    }
}
