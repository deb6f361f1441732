// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.Logging;
using Safeguard.Banks;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Security;
using Safeguard.Storage;

namespace Safeguard.Server.Api;

/// <summary>Bank management: <c>/v1/banks</c>. Needs the <c>curate</c> scope.</summary>
internal static class BanksApi
{
    private const int MaxTextLength = 100;
    private const int MaxDescriptionLength = 2000;

    public static IEndpointRouteBuilder MapBanksApi(this IEndpointRouteBuilder app)
    {
        var banks = app.MapGroup("/v1/banks").WithTags("Banks").RequireScope(ApiScopes.Curate);

        banks.MapPost("", CreateAsync).WithName("CreateBank").WithSummary("Create a bank of hashes (kind hash, the default), URLs (url) or keywords (keyword)")
            .JsonBody<CreateBankRequest>()
            .Produces<BankResponse>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        banks.MapGet("", ListAsync).WithName("ListBanks").WithSummary("List banks with their entry counts")
            .Produces<BankListResponse>();
        banks.MapGet("/{name}", GetAsync).WithName("GetBank").WithSummary("Get a bank")
            .Produces<BankResponse>().ProducesProblem(StatusCodes.Status404NotFound);
        banks.MapPatch("/{name}", UpdateAsync).WithName("UpdateBank").WithSummary("Change a bank's settings")
            .JsonBody<UpdateBankRequest>()
            .Produces<BankResponse>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        banks.MapDelete("/{name}", DeleteAsync).WithName("DeleteBank").WithSummary("Delete a bank and all its entries")
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.CreateBankRequest, ct).ConfigureAwait(false);
        var errors = new Dictionary<string, string[]>();
        if (!Bank.IsValidName(request.Name))
        {
            errors["name"] = [$"required: 1-{Bank.MaxNameLength} letters, digits, '-', '_' or '.', not starting with '.'"];
        }
        CheckText(errors, "source", request.Source, required: true, MaxTextLength);
        CheckText(errors, "category", request.Category, required: true, MaxTextLength);
        CheckText(errors, "description", request.Description, required: false, MaxDescriptionLength);
        CheckRadius(errors, request.Radius);
        var kind = BankKind.Hash;
        if (request.Kind is not null && !BankKinds.TryParse(request.Kind, out kind))
        {
            errors["kind"] = [$"one of {string.Join(", ", BankKinds.Names)} (default hash)"];
        }
        else if (kind.IsText() && request.Radius is not null)
        {
            errors["radius"] = ["applies to hash banks only (PDQ distance); leave it out for url and keyword banks"];
        }
        BankAction action = 0;
        if (request.Action is null || !BankActions.TryParse(request.Action, out action))
        {
            errors["action"] = [$"required: one of {string.Join(", ", BankActions.Names)}"];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Fields(errors);
        }
        var caller = http.Caller();
        try
        {
            var bank = await store.CreateBankAsync(new BankDraft(request.Name!, Blank(request.Description), request.Source!.Trim(), request.Category!.Trim(),
                request.Radius ?? Bank.DefaultPdqRadius, request.Enabled ?? true, action)
            {
                Shadow = request.Shadow ?? false,
                Kind = kind,
            }, caller.Actor, ct).ConfigureAwait(false);
            await sync.CatchUpAsync(ct).ConfigureAwait(false);
            logger.BankCreated(bank.Id, caller.KeyId);
            return TypedResults.Created($"/v1/banks/{bank.Name}", bank.ToResponse(0));
        }
        catch (StoreConflictException e)
        {
            return ApiProblems.Conflict(e.Message);
        }
    }

    private static async Task<IResult> ListAsync(ISafeguardStore store, CancellationToken ct)
    {
        var banks = await store.ListBanksAsync(ct).ConfigureAwait(false);
        var counts = await store.CountEntriesAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(new BankListResponse([.. banks.Select(b => b.ToResponse(counts.GetValueOrDefault(b.Id)))]));
    }

    private static async Task<IResult> GetAsync(string name, ISafeguardStore store, CancellationToken ct)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        var counts = await store.CountEntriesAsync(ct).ConfigureAwait(false);
        return TypedResults.Ok(bank.ToResponse(counts.GetValueOrDefault(bank.Id)));
    }

    private static async Task<IResult> UpdateAsync(string name, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var request = await RequestBody.ReadJsonAsync(http.Request, ApiJsonContext.Default.UpdateBankRequest, ct).ConfigureAwait(false);
        var errors = new Dictionary<string, string[]>();
        CheckText(errors, "source", request.Source, required: false, MaxTextLength);
        CheckText(errors, "category", request.Category, required: false, MaxTextLength);
        CheckText(errors, "description", request.Description, required: false, MaxDescriptionLength);
        CheckRadius(errors, request.Radius);
        BankAction action = 0;
        if (request.Action is not null && !BankActions.TryParse(request.Action, out action))
        {
            errors["action"] = [$"one of {string.Join(", ", BankActions.Names)}"];
        }
        if (request.Source is not null && string.IsNullOrWhiteSpace(request.Source))
        {
            errors["source"] = ["may not be empty"];
        }
        if (request.Category is not null && string.IsNullOrWhiteSpace(request.Category))
        {
            errors["category"] = ["may not be empty"];
        }
        if (errors.Count > 0)
        {
            return ApiProblems.Fields(errors);
        }
        var caller = http.Caller();
        var patch = new BankPatch(request.Description?.Trim(), request.Source?.Trim(), request.Category?.Trim(), request.Radius, request.Enabled,
            request.Action is null ? null : action, request.Shadow);
        var bank = await store.UpdateBankAsync(name, patch, caller.Actor, ct).ConfigureAwait(false);
        if (bank is null)
        {
            return ApiProblems.UnknownBank(name);
        }
        await sync.CatchUpAsync(ct).ConfigureAwait(false);
        logger.BankUpdated(bank.Id, caller.KeyId);
        return TypedResults.Ok(bank.ToResponse());
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext http, ISafeguardStore store, IndexSynchronizer sync, ILogger<ApiLog> logger, CancellationToken ct)
    {
        var bank = await store.GetBankAsync(name, ct).ConfigureAwait(false);
        var caller = http.Caller();
        if (bank is null || !await store.DeleteBankAsync(name, caller.Actor, ct).ConfigureAwait(false))
        {
            return ApiProblems.UnknownBank(name);
        }
        await sync.CatchUpAsync(ct).ConfigureAwait(false);
        logger.BankDeleted(bank.Id, caller.KeyId);
        return TypedResults.NoContent();
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static void CheckText(Dictionary<string, string[]> errors, string field, string? value, bool required, int max)
    {
        if (required && string.IsNullOrWhiteSpace(value))
        {
            errors[field] = ["required"];
        }
        else if (value is not null && (value.Length > max || value.Any(c => char.IsControl(c) && c is not '\n' and not '\t')))
        {
            errors[field] = [$"at most {max} printable characters"];
        }
    }

    private static void CheckRadius(Dictionary<string, string[]> errors, int? radius)
    {
        if (radius is < 0 or > Bank.MaxPdqRadius)
        {
            errors["radius"] = [$"must be 0-{Bank.MaxPdqRadius} (PDQ Hamming distance; {Bank.DefaultPdqRadius} is the reference's recommendation)"];
        }
    }
}
