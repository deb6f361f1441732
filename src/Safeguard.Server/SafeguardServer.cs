// SPDX-License-Identifier: Apache-2.0
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Hosting;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Security;
using Safeguard.Server.Api;
using Safeguard.Server.Review;

namespace Safeguard.Server;

/// <summary>
/// Builds the whole server. <c>Program.cs</c>, <c>safeguard serve</c>, the tests and the benchmark
/// all call <see cref="Build"/>, so they run the same thing.
/// </summary>
public static class SafeguardServer
{
    /// <summary>Where the server listens unless <c>--urls</c> or configuration says otherwise.</summary>
    public const string DefaultUrl = "http://127.0.0.1:8080";

    /// <summary>Builds the application from command-line style <paramref name="args"/> (<c>--urls</c>, <c>--Safeguard:Storage:Postgres=…</c>).</summary>
    /// <param name="args">Arguments read as configuration.</param>
    /// <param name="configure">Last-word changes to the builder (tests set configuration and logging here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Request lines can carry a caller's references; keep ASP.NET's per-request logs off by default.
        // ASP.NET's own Information logs are per request and not needed to operate Safeguard.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);

        builder.Services.AddSafeguard(builder.Configuration);
        builder.Services.AddSafeguardReview(builder.Configuration);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, Safeguard.ChildSafety.ChildSafetyJsonContext.Default);
            // Absent, not null: a check-only caller's matches simply have no entry fields.
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<SafeguardOptions>>((kestrel, safeguard) =>
            {
                // The import endpoint raises this per request; everything else is bound by the check limit.
                kestrel.Limits.MaxRequestBodySize = safeguard.Value.Checks.MaxUploadBytes + (64 * 1024);
                kestrel.AddServerHeader = false;
            });
        builder.Services.AddRateLimiter(ConfigureRateLimits);
        builder.Services.AddOpenApi("v1", o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "Safeguard API";
                document.Info.Version = "v1";
                document.Info.Description = "Hash, URL and keyword banks, image and text checks, child-safety decisions and events, keys, audit and transparency. Every endpoint except /health needs 'Authorization: Bearer <API key>'.";
                // The served address depends on where the server runs; the committed document must not.
                document.Servers = [];
                return Task.CompletedTask;
            });
        });

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapOperationsApi();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapBanksApi();
        app.MapEntriesApi();
        app.MapCheckApi();
        app.MapReportsApi();
        app.MapTextCheckApi();
        app.MapChildSafetyApi();
        app.MapTransparencyApi();
        app.MapSafeguardConsole();
        return app;
    }

    private static void ConfigureRateLimits(RateLimiterOptions options)
    {
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, long>(http =>
        {
            if (ApiCaller.From(http.User) is not { } caller)
            {
                // Unauthenticated requests are refused before any work; they need no bucket.
                return RateLimitPartition.GetNoLimiter(0L);
            }
            int rate = caller.RateLimitPerSecond;
            return RateLimitPartition.GetTokenBucketLimiter(caller.KeyId, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = rate,
                TokensPerPeriod = rate,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        options.OnRejected = async (context, ct) =>
        {
            var http = context.HttpContext;
            if (ApiCaller.From(http.User) is { } caller)
            {
                http.RequestServices.GetRequiredService<ILogger<ApiLog>>().RateLimited(caller.KeyId);
            }
            http.Response.Headers.RetryAfter = "1";
            await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too Many Requests",
                    Detail = string.Create(CultureInfo.InvariantCulture, $"this API key is limited to {ApiCaller.From(http.User)?.RateLimitPerSecond} requests per second"),
                },
            }).ConfigureAwait(false);
        };
    }
}
