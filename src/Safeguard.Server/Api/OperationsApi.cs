// SPDX-License-Identifier: Apache-2.0
using Prometheus;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Records;
using Safeguard.Security;
using Safeguard.Storage;

namespace Safeguard.Server.Api;

/// <summary>Health, readiness, metrics, recorded checks and audit verification.</summary>
internal static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("alive", null, null, null, null)))
            .WithTags("Operations").WithName("Health").WithSummary("Liveness: the process answers (no key needed)")
            .AllowAnonymous().DisableRateLimiting();
        app.MapGet("/ready", ReadyAsync).WithTags("Operations").WithName("Ready")
            .WithSummary("Readiness: index loaded and database reachable (503 otherwise)")
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable);

        var metrics = app.ServiceProvider.GetRequiredService<SafeguardMetrics>();
        var index = app.ServiceProvider.GetRequiredService<BankIndex>();
        var textIndex = app.ServiceProvider.GetRequiredService<TextBankIndex>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        metrics.Registry.AddBeforeCollectCallback(() =>
        {
            var now = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (bank, entries) in index.Sizes().Concat(textIndex.Sizes()))
            {
                metrics.IndexEntries.WithLabels(bank.Name).Set(entries);
                now.Add(bank.Name);
            }
            lock (seen)
            {
                foreach (var gone in seen.Where(n => !now.Contains(n)))
                {
                    metrics.IndexEntries.RemoveLabelled(gone);
                }
                seen.Clear();
                seen.UnionWith(now);
            }
        });
        app.MapMetrics("/metrics", metrics.Registry).WithTags("Operations").WithName("Metrics").WithSummary("Prometheus metrics");

        app.MapGet("/v1/checks", ListChecksAsync).WithTags("Checks").WithName("ListRecordedChecks")
            .WithSummary("Checks that matched, oldest first (needs the review scope)")
            .RequireScope(ApiScopes.Review).Produces<RecordedCheckPageResponse>().ProducesValidationProblem();
        app.MapGet("/v1/audit/verify", VerifyAuditAsync).WithTags("Audit").WithName("VerifyAudit")
            .WithSummary("Verify the audit log's hash chain and report the first edited, inserted or deleted entry (needs the admin scope)")
            .RequireScope(ApiScopes.Admin).Produces<AuditVerifyResponse>();
        return app;
    }

    private static async Task<IResult> ReadyAsync(BankIndex index, IndexSynchronizer sync, ISafeguardStore store, CancellationToken ct)
    {
        bool database = await store.PingAsync(ct).ConfigureAwait(false);
        bool ready = database && index.IsLoaded;
        var body = new HealthResponse(ready ? "ready" : "not ready", index.IsLoaded, database, index.Count, sync.LastChangeId);
        return ready ? TypedResults.Ok(body) : TypedResults.Json(body, ApiJsonContext.Default.HealthResponse, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ListChecksAsync(ISafeguardStore store, CancellationToken ct, long? after = null, int? limit = null)
    {
        if (after is < 0)
        {
            return ApiProblems.Field("after", "must be 0 or more");
        }
        if (limit is < 1 or > 1000)
        {
            return ApiProblems.Field("limit", "must be 1-1000");
        }
        int size = limit ?? 100;
        var page = await store.ListRecordedChecksAsync(after ?? 0, size, ct).ConfigureAwait(false);
        return TypedResults.Ok(new RecordedCheckPageResponse(
            [.. page.Select(c => new RecordedCheckResponse(c.Id, c.CheckedAt, c.ApiKeyId, c.ContentRef, c.UserRef, c.Hashes.ToResponse(), c.Decision,
                [.. c.Matches.Select(m => m.ToResponse())], c.Input, c.Context, c.Text))],
            page.Count == size ? page[^1].Id : null));
    }

    private static async Task<IResult> VerifyAuditAsync(ISafeguardStore store, CancellationToken ct)
    {
        var entries = new List<ChainEntry>();
        await foreach (var e in store.ReadAuditAsync(ct).ConfigureAwait(false))
        {
            entries.Add(e);
        }
        var result = HashChain.Verify(entries);
        return TypedResults.Ok(new AuditVerifyResponse(result.IsValid, result.Fault.ToString().ToLowerInvariant(), result.Sequence, result.EntriesChecked, HashChain.ToHex(result.Head)));
    }
}
