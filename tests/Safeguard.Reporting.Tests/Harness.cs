// SPDX-License-Identifier: Apache-2.0
using System.Security.Cryptography;
using System.Text;
using Safeguard.Evidence;
using Safeguard.Reporting;

namespace Safeguard.Reporting.Tests;

/// <summary>Thrown by <see cref="CrashingHandler"/> to stand for the process dying; the sender must not catch it.</summary>
public sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("simulated process crash")
    {
    }
}

/// <summary>
/// Lets requests through to the server, and on the chosen call of an endpoint "kills the process":
/// after the server answered (the response is lost) or before the request leaves.
/// </summary>
public sealed class CrashingHandler(string endpoint, int onCall, bool afterServerAnswered) : DelegatingHandler(new SocketsHttpHandler())
{
    private int _seen;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        bool crashHere = request.RequestUri!.AbsolutePath.EndsWith("/" + endpoint, StringComparison.Ordinal) && Interlocked.Increment(ref _seen) == onCall;
        if (crashHere && !afterServerAnswered)
        {
            throw new SimulatedCrashException();
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (crashHere)
        {
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            response.Dispose();
            throw new SimulatedCrashException();
        }
        return response;
    }
}

/// <summary>A vault, audit file, report store and engine in a temporary folder, and a test CyberTipline.</summary>
public sealed class Harness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    private readonly List<HttpClient> _clients = [];

    private Harness(string root, ManualClock clock, FakeCyberTipline server, MasterKeyRing keys)
    {
        Root = root;
        Clock = clock;
        Server = server;
        Keys = keys;
        Audit = new FileAuditSink(Path.Combine(root, "audit.jsonl"));
        Vault = new EvidenceVault(Path.Combine(root, "vault"), keys, Audit, clock);
        Store = new FileReportStore(Path.Combine(root, "store"));
        Engine = new ReportingEngine(Store, Vault, Samples.Reporter, Samples.Routing, clock);
        Schema = CyberTiplineSchema.Load(FakeCyberTipline.SchemaBytes());
    }

    public string Root { get; }

    public ManualClock Clock { get; }

    public FakeCyberTipline Server { get; }

    public MasterKeyRing Keys { get; }

    public FileAuditSink Audit { get; }

    public EvidenceVault Vault { get; }

    public FileReportStore Store { get; }

    public ReportingEngine Engine { get; }

    public CyberTiplineSchema Schema { get; }

    public static async Task<Harness> CreateAsync()
    {
        string root = Path.Combine(Path.GetTempPath(), "sg-reporting-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var clock = new ManualClock(Start);
        var server = await FakeCyberTipline.StartAsync(clock);
        return new Harness(root, clock, server, MasterKeyRing.Generate("k1"));
    }

    /// <summary>A fresh sender, as a restarted process would build it (new client, same store and vault).</summary>
    public NcmecReportSender Sender(HttpMessageHandler? handler = null, TimeSpan? timeout = null, NcmecSenderOptions? options = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        _clients.Add(http);
        var client = new CyberTiplineClient(http, Server.BaseUri, FakeCyberTipline.Username, FakeCyberTipline.Password, CyberTiplineEnvironment.Test);
        var opts = (options ?? new NcmecSenderOptions()) with
        {
            Delay = (d, _) =>
            {
                Clock.Advance(d);
                return Task.CompletedTask;
            },
        };
        return new NcmecReportSender(Store, Vault, client, new FixedCyberTiplineSchemaSource(Schema), Clock, opts);
    }

    /// <summary>Stores <paramref name="count"/> benign generated files and drafts a case about one user.</summary>
    public (ReportSummary Summary, List<byte[]> Files) DraftFileCase(int count = 2, ReportPriority priority = ReportPriority.P3)
    {
        var files = new List<byte[]>();
        var items = new List<ConfirmedItem>();
        for (int i = 0; i < count; i++)
        {
            byte[] bytes = Encoding.UTF8.GetBytes($"benign generated test file {i} " + new string((char)('a' + i), 200));
            files.Add(bytes);
            var stored = Vault.Put(bytes, EvidenceKind.Content, "test");
            items.Add(Samples.Item(stored.Id, bytes, i));
        }
        var request = Samples.Request(items, priority);
        var summaries = Engine.Draft(request);
        return (Assert.Single(summaries), files);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients)
        {
            c.Dispose();
        }
        await Server.DisposeAsync();
        try
        {
            foreach (var f in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(f, FileAttributes.Normal);
            }
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is harmless.
        }
    }
}

/// <summary>Fictional, non-sensitive sample data (example.com / .test domains, documentation IP ranges).</summary>
public static class Samples
{
    public static readonly ReporterSettings Reporter = new()
    {
        Platform = "Example Chat",
        Service = "Example Chat Messages",
        ReportingPerson = new ContactDetails("Trust", "Safety", "safety@example.com", "+1 555 0100"),
        ContactPerson = new ContactDetails("Legal", "Desk", "legal@example.com"),
        CompanyTemplate = "Legal process: legal@example.com. Data retained 1 year. 24h line +1 555 0199.",
        LegalUrl = "https://example.com/legal",
    };

    public static readonly RoutingSettings Routing = new() { Jurisdiction = ProviderJurisdiction.NonUk, ReportToNcmec = true };

    public static ReportedUser User(string id = "user-4711") => new()
    {
        EspIdentifier = id,
        ScreenName = "pinecone_77",
        DisplayNames = ["Pine Cone"],
        ProfileUrls = ["https://chat.example.com/u/pinecone_77"],
        Emails = [new EmailAddress("pinecone@example.org", Verified: true), new EmailAddress("backup@example.org", Type: "Recovery")],
        Phones = [new PhoneNumber("5550123", "+44", Verified: true, Type: "Mobile")],
        IpCaptures = [new IpCapture("192.0.2.10", Harness.Start.AddDays(-3), CaptureEvent.Login, 51000), new IpCapture("2001:db8::1", Harness.Start.AddDays(-200), CaptureEvent.Registration)],
        Devices = [new DeviceCapture("IMEI", "490154203237518", CaptureEvent.Login, Harness.Start.AddDays(-3))],
        LinkedAccounts = [new LinkedAccount("Example Games", "g-1", "pinecone_games")],
        PriorCyberTiplineReports = [123456],
        EstimatedCountryCode = "GB",
    };

    public static ConfirmedItem Item(string objectId, byte[] bytes, int i) => new()
    {
        ContentRef = $"attachment-{i}",
        ReportedUserId = "user-4711",
        VaultObjectId = objectId,
        OriginalFileName = $"IMG_{i:D4}.jpg",
        LocationUrl = $"https://cdn.example.com/a/{i}",
        OriginalHashes = [new FileHash("MD5", Convert.ToHexStringLower(MD5.HashData(bytes))), new FileHash("SHA1", Convert.ToHexStringLower(SHA1.HashData(bytes)))],
        UploadedAt = Harness.Start.AddHours(-5 - i),
        UploadIp = new IpCapture("198.51.100.7", Harness.Start.AddHours(-5 - i), CaptureEvent.Upload, 443),
        ViewedByStaff = true,
        ExifViewedByStaff = false,
        PubliclyAvailable = false,
        Annotations = i == 0 ? [FileAnnotation.GenerativeAi] : [],
        Classification = IndustryClassification.B1,
        Exif = [new("Model", "ExampleCam 1")],
        Detection = new DetectionInfo(DetectionMethod.HashMatch, "example-list"),
        ConfirmedAt = Harness.Start.AddHours(-1),
        ConfirmedBy = "reviewer-1",
    };

    public static ReportRequest Request(IReadOnlyList<ConfirmedItem> items, ReportPriority priority = ReportPriority.P3) => new()
    {
        CaseId = "case-1",
        IncidentType = IncidentType.ChildPornography,
        Priority = priority,
        EscalationReason = priority == ReportPriority.P1 ? "Reviewer judged an imminent risk to a child." : null,
        Items = items,
        Users = new Dictionary<string, ReportedUser> { ["user-4711"] = User() },
        DecidedBy = "reviewer-1",
    };

    public static ConfirmedConversation Conversation() => new()
    {
        ThreadRef = "thread-9",
        ChatClient = "Example Chat",
        Messages =
        [
            new ConversationMessage(Harness.Start.AddHours(-30), "pinecone_77", "bluebird_12", "hi, which school do you go to?"),
            new ConversationMessage(Harness.Start.AddHours(-29), "bluebird_12", "pinecone_77", "why?"),
            new ConversationMessage(Harness.Start.AddHours(-28), "pinecone_77", "bluebird_12", "let's talk on another app, don't tell your parents, \"ok\""),
        ],
        Detection = new DetectionInfo(DetectionMethod.TextSignals, "grooming-rules"),
    };
}
