// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Banks;
using Safeguard.Hosting;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Records;
using Safeguard.Security;
using Safeguard.Storage;

namespace Safeguard.Server.Api;

/// <summary>Bank entries: add, list, disable, delete, bulk import and export. Needs the <c>curate</c> scope.</summary>
internal static class EntriesApi
{
    private const int MaxPage = 1000;
    private const int MaxReportedErrors = 20;
    private static readonly string[] ImportTypes = ["text/plain", "text/csv", "application/octet-stream"];

    public static IEndpointRouteBuilder MapEntriesApi(this IEndpointRouteBuilder app)
    {
        var entries = app.MapGroup("/v1/banks/{name}").WithTags("Entries").RequireScope(ApiScopes.Curate);

        entries.MapPost("/entries", AddAsync).WithName("AddEntry").WithSummary("Add a hash to a bank")
            .JsonBody<AddEntryRequest>()
            .Produces<EntryResponse>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapGet("/entries", ListAsync).WithName("ListEntries").WithSummary("List a bank's entries, a page at a time")
            .Produces<EntryPageResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapGet("/entries/{id:long}", GetAsync).WithName("GetEntry").WithSummary("Get one entry")
            .Produces<EntryResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapPost("/entries/{id:long}/disable", DisableAsync).WithName("DisableEntry").WithSummary("Stop an entry matching until a date")
            .JsonBody<DisableEntryRequest>()
            .Produces<EntryResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapPost("/entries/{id:long}/enable", EnableAsync).WithName("EnableEntry").WithSummary("Let a disabled entry match again")
            .Produces<EntryResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapDelete("/entries/{id:long}", DeleteAsync).WithName("DeleteEntry").WithSummary("Delete an entry")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        entries.MapPost("/import", ImportAsync).WithName("ImportEntries")
            .WithSummary("Bulk import: one hash per line, CSV with a header, or 'type value' lines; url and keyword banks take text list files")
            .WithDescription("The file is checked in full first: any bad line is a 400 listing the lines, and nothing is stored. " +
                "Then entries are committed in batches and progress is streamed as application/x-ndjson, one line per committed batch.")
            .UploadBody(null, "text/plain", "text/csv", "application/octet-stream")
            .Produces<ImportProgress>(StatusCodes.Status200OK, "application/x-ndjson")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        entries.MapGet("/export", ExportAsync).WithName("ExportEntries")
            .WithSummary("Export a bank's live entries as CSV (format=csv) or 'type value' lines (format=lines); every export is audited")
            .Produces<string>(StatusCodes.Status200OK, "text/csv", "text/plain").ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> AddAsync(string name, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.AddEntryRequest, ct).ConfigureAwait(false);
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        bool valid = bank.Kind.IsText()
            ? TextEntryRules.TryCreate(bank.Kind, request.Kind, null, request.Value, request.ExternalId, request.Labels, request.Note, out var entry, out var field, out var error)
            : EntryRules.TryCreate(request.Kind, null, request.Value, request.ExternalId, request.Labels, request.Note, out entry, out field, out error);
        if (!valid || entry is null)
        {
            return ApiProblems.Field(field ?? "value", error ?? "invalid");
        }
        var caller = http.Caller();
        var added = await store.AddEntryAsync(bank.Id, entry, caller.Actor, ct).ConfigureAwait(false);
        await sync.CatchUpAsync(ct).ConfigureAwait(false);
        logger.EntryAdded(added.Id, bank.Id, caller.KeyId);
        return TypedResults.Created($"/v1/banks/{bank.Name}/entries/{added.Id}", added.ToResponse(bank.Name));
    }

    private static async Task<IResult> ListAsync(string name, ISafeguardStore store, CancellationToken ct, long? after = null, int? limit = null, bool? includeDeleted = null)
    {
        if (after is < 0)
        {
            return ApiProblems.Field("after", "must be 0 or more");
        }
        if (limit is < 1 or > MaxPage)
        {
            return ApiProblems.Field("limit", $"must be 1-{MaxPage}");
        }
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        int size = limit ?? 100;
        var page = await store.ListEntriesAsync(bank.Id, after ?? 0, size, includeDeleted ?? false, ct).ConfigureAwait(false);
        return TypedResults.Ok(new EntryPageResponse([.. page.Select(e => e.ToResponse(bank.Name))], page.Count == size ? page[^1].Id : null));
    }

    private static async Task<IResult> GetAsync(string name, long id, ISafeguardStore store, CancellationToken ct)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        var entry = await store.GetEntryAsync(bank.Id, id, ct).ConfigureAwait(false);
        return entry is null ? ApiProblems.UnknownEntry(id) : TypedResults.Ok(entry.ToResponse(bank.Name));
    }

    private static async Task<IResult> DisableAsync(string name, long id, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.DisableEntryRequest, ct).ConfigureAwait(false);
        if (request.Until is null)
        {
            return ApiProblems.Field("until", "required: the date and time (ISO 8601) until which the entry does not match");
        }
        return await SetDisabledAsync(name, id, request.Until, http, store, sync, logger, ct).ConfigureAwait(false);
    }

    private static Task<IResult> EnableAsync(string name, long id, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct) =>
        SetDisabledAsync(name, id, null, http, store, sync, logger, ct);

    private static async Task<IResult> SetDisabledAsync(string name, long id, DateTimeOffset? until, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        var caller = http.Caller();
        var entry = await store.SetEntryDisabledUntilAsync(bank.Id, id, until, caller.Actor, ct).ConfigureAwait(false);
        if (entry is null)
        {
            return ApiProblems.UnknownEntry(id);
        }
        await sync.CatchUpAsync(ct).ConfigureAwait(false);
        logger.EntryChanged(id, bank.Id, until is null ? EntryChange.Enabled : EntryChange.Disabled, caller.KeyId);
        return TypedResults.Ok(entry.ToResponse(bank.Name));
    }

    private static async Task<IResult> DeleteAsync(string name, long id, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        var caller = http.Caller();
        if (!await store.DeleteEntryAsync(bank.Id, id, caller.Actor, ct).ConfigureAwait(false))
        {
            return ApiProblems.UnknownEntry(id);
        }
        await sync.CatchUpAsync(ct).ConfigureAwait(false);
        logger.EntryChanged(id, bank.Id, EntryChange.Deleted, caller.KeyId);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// Spools the upload to a temporary file, checks every line, and only then commits entries in
    /// batches, streaming one progress line per committed batch. A killed process leaves whole
    /// batches only (each is one transaction), and every batch reported has been committed.
    /// </summary>
    private static async Task<IResult> ImportAsync(string name, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, IOptions<SafeguardOptions> options,
        SafeguardMetrics metrics, ILogger<ApiLog> logger, CancellationToken ct, string? format = null, string? kind = null)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        BankFileFormat fileFormat = BankFileFormat.Auto;
        HashKind? defaultKind = null;
        if (bank.Kind.IsText())
        {
            // Text banks import the text list file format only; its lines name their own kinds.
            if (format is not null && format is not ("auto" or "list"))
            {
                return ApiProblems.Field("format", "a url or keyword bank imports text list files: auto or list");
            }
            if (kind is not null)
            {
                return ApiProblems.Field("kind", "a text list file names the kind on every line; leave kind out");
            }
        }
        else
        {
            if (format is not null && (!Enum.TryParse(format, ignoreCase: true, out fileFormat) || !Enum.IsDefined(fileFormat)))
            {
                return ApiProblems.Field("format", "one of auto, lines, csv, typed");
            }
            if (kind is not null)
            {
                if (!HashKinds.TryParse(kind, out var k))
                {
                    return ApiProblems.Field("kind", $"one of {string.Join(", ", HashKinds.Names)}");
                }
                defaultKind = k;
            }
        }
        var api = options.Value.Api;
        string spool = Path.Combine(string.IsNullOrEmpty(api.SpoolDirectory) ? Path.GetTempPath() : api.SpoolDirectory, $"safeguard-import-{Guid.NewGuid():N}.tmp");
        try
        {
            long bytes;
            var file = new FileStream(spool, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
            await using (file.ConfigureAwait(false))
            {
                await RequestBody.ReadUploadAsync(http.Request, "file", ImportTypes, file, api.MaxImportBytes, ct).ConfigureAwait(false);
                bytes = file.Length;

                // Pass 1: every line must be good before anything is stored.
                file.Position = 0;
                var errors = new List<BankFileError>();
                long total = 0;
                string detected;
                using (var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true))
                {
                    var lines = OpenReader(bank, reader, fileFormat, defaultKind);
                    while (lines.TryReadNext(out _, out var error))
                    {
                        if (error is not null)
                        {
                            if (errors.Count < MaxReportedErrors)
                            {
                                errors.Add(error);
                            }
                            else
                            {
                                break;
                            }
                        }
                        else
                        {
                            total++;
                        }
                    }
                    detected = lines.FormatName;
                }
                if (errors.Count > 0)
                {
                    logger.ImportRejected(bank.Id, errors.Count);
                    return ApiProblems.Fields(new Dictionary<string, string[]> { ["file"] = [.. errors.Select(e => e.ToString())] });
                }
                if (total == 0)
                {
                    return ApiProblems.Field("file", "holds no entries");
                }

                // Pass 2: commit in batches and report each one.
                var caller = http.Caller();
                logger.ImportStarted(bank.Id, caller.KeyId, bytes, total);
                var clock = Stopwatch.StartNew();
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "application/x-ndjson";
                await WriteProgressAsync(http, new ImportProgress("validated", 0, total, detected), ct).ConfigureAwait(false);
                file.Position = 0;
                long committed = 0;
                using (var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, 1 << 16, leaveOpen: true))
                {
                    var lines = OpenReader(bank, reader, fileFormat, defaultKind);
                    var batch = new List<NewBankEntry>(Math.Min(api.ImportBatchSize, 100_000));
                    // Batches are committed even if the client goes away: each is whole, and the caller can see them on reconnect.
                    while (true)
                    {
                        bool more = lines.TryReadNext(out var entry, out _);
                        if (more && entry is not null)
                        {
                            batch.Add(entry);
                        }
                        if (batch.Count > 0 && (batch.Count >= api.ImportBatchSize || !more))
                        {
                            await store.AddEntriesAsync(bank.Id, batch, caller.Actor, CancellationToken.None).ConfigureAwait(false);
                            committed += batch.Count;
                            metrics.ImportedEntries.Inc(batch.Count);
                            batch.Clear();
                            logger.ImportBatchCommitted(bank.Id, committed);
                            await sync.CatchUpAsync(CancellationToken.None).ConfigureAwait(false);
                            await WriteProgressQuietlyAsync(http, new ImportProgress("committed", committed, total, null)).ConfigureAwait(false);
                        }
                        if (!more)
                        {
                            break;
                        }
                    }
                }
                logger.ImportCompleted(bank.Id, committed, clock.ElapsedMilliseconds);
                await WriteProgressQuietlyAsync(http, new ImportProgress("done", committed, total, null)).ConfigureAwait(false);
                return TypedResults.Empty;
            }
        }
        finally
        {
            File.Delete(spool);
        }
    }

    private static IBankEntryReader OpenReader(Bank bank, TextReader reader, BankFileFormat format, HashKind? defaultKind) =>
        bank.Kind.IsText() ? new TextBankFileReader(reader, bank.Kind) : new BankFileReader(reader, format, defaultKind);

    private static async Task WriteProgressAsync(HttpContext http, ImportProgress progress, CancellationToken ct)
    {
        await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(progress, ApiJsonContext.Default.ImportProgress), ct).ConfigureAwait(false);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    private static async Task WriteProgressQuietlyAsync(HttpContext http, ImportProgress progress)
    {
        try
        {
            await WriteProgressAsync(http, progress, http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client left; the import goes on (see above).
        }
    }

    private static async Task<IResult> ExportAsync(string name, HttpContext http, ISafeguardStore store, ILogger<ApiLog> logger, CancellationToken ct, string? format = null)
    {
        bool csv = format is null || format.Equals("csv", StringComparison.OrdinalIgnoreCase);
        if (!csv && !format!.Equals("lines", StringComparison.OrdinalIgnoreCase))
        {
            return ApiProblems.Field("format", "one of csv, lines");
        }
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        var caller = http.Caller();
        var counts = await store.CountEntriesAsync(ct).ConfigureAwait(false);
        // Audited before the first byte leaves: an export that starts is on the record.
        await store.AppendAuditAsync("bank.exported", AuditPayload.By(caller.Actor).With("bankId", bank.Id).With("bank", bank.Name)
            .With("format", csv ? "csv" : "lines").With("entries", counts.GetValueOrDefault(bank.Id)).ToString(), ct).ConfigureAwait(false);
        http.Response.ContentType = csv ? "text/csv; charset=utf-8" : "text/plain; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{bank.Name}.{(csv ? "csv" : "txt")}\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 1 << 16);
        if (csv)
        {
            await writer.WriteLineAsync("id,kind,value,external_id,labels,note,added_by,added_at,disabled_until".AsMemory(), ct).ConfigureAwait(false);
        }
        long after = 0, written = 0;
        while (true)
        {
            var page = await store.ListEntriesAsync(bank.Id, after, 5000, includeDeleted: false, ct).ConfigureAwait(false);
            foreach (var e in page)
            {
                string line = csv
                    ? string.Join(',',
                        e.Id.ToString(CultureInfo.InvariantCulture), e.Kind.ToText(), e.Value, Csv(e.ExternalId), Csv(string.Join(';', e.Labels)), Csv(e.Note),
                        Csv(e.AddedBy), HashChain.FormatTime(e.AddedAt), e.DisabledUntil is null ? "" : HashChain.FormatTime(e.DisabledUntil.Value))
                    : $"{e.Kind.ToText()} {e.Value}";
                await writer.WriteLineAsync(line.AsMemory(), ct).ConfigureAwait(false);
                written++;
            }
            if (page.Count < 5000)
            {
                break;
            }
            after = page[^1].Id;
        }
        await writer.FlushAsync(ct).ConfigureAwait(false);
        logger.ExportCompleted(bank.Id, caller.KeyId, written);
        return TypedResults.Empty;
    }

    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        // Quote anything that could break the row, and defuse spreadsheet formulas.
        bool formula = value[0] is '=' or '+' or '-' or '@';
        string text = formula ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 || formula ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
