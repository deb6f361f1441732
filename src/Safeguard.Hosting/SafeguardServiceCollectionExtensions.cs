// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Safeguard.Hosting;
using Safeguard.Hosting.Checks;
using Safeguard.Hosting.ChildSafety;
using Safeguard.Hosting.Diagnostics;
using Safeguard.Hosting.Matching;
using Safeguard.Hosting.Reporting;
using Safeguard.Hosting.Security;
using Safeguard.Imaging;
using Safeguard.Security;
using Safeguard.Storage;

#pragma warning disable IDE0130 // In the DI namespace so AddSafeguard…() is found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>The granular <c>AddSafeguard…()</c> registrations the server, the CLI and tests compose.</summary>
public static class SafeguardServiceCollectionExtensions
{
    /// <summary>Binds <see cref="SafeguardOptions"/> to the <c>Safeguard</c> section and validates it at start-up.</summary>
    public static IServiceCollection AddSafeguardOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SafeguardOptions>().Bind(configuration.GetSection(SafeguardOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SafeguardOptions>, SafeguardOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>The store chosen by configuration (PostgreSQL when a connection string is set, else SQLite), migrated at start-up.</summary>
    public static IServiceCollection AddSafeguardStorage(this IServiceCollection services)
    {
        services.TryAddSingleton<ISafeguardStore>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<SafeguardOptions>>().Value.Storage;
            return SafeguardStores.Create(storage.Postgres, storage.DataDirectory, sp.GetRequiredService<TimeProvider>());
        });
        services.AddHostedService<StoreInitializer>();
        return services;
    }

    /// <summary>The live bank index, its change-feed synchroniser, the image hasher and the check service.</summary>
    public static IServiceCollection AddSafeguardMatching(this IServiceCollection services)
    {
        services.TryAddSingleton<SafeguardMetrics>();
        services.TryAddSingleton<BankIndex>();
        services.TryAddSingleton<IndexSynchronizer>();
        services.AddHostedService(sp => sp.GetRequiredService<IndexSynchronizer>());
        services.TryAddSingleton<UnmatchedCheckCounter>();
        services.AddHostedService(sp => sp.GetRequiredService<UnmatchedCheckCounter>());
        services.TryAddSingleton(sp => new ImageHasher(new ImageHashOptions
        {
            MaxPixels = sp.GetRequiredService<IOptions<SafeguardOptions>>().Value.Checks.MaxImagePixels,
        }));
        services.TryAddSingleton<CheckService>();
        services.TryAddSingleton<TextBankIndex>();
        services.TryAddSingleton<TextCheckService>();
        return services.AddSafeguardTransparency();
    }

    /// <summary>
    /// The child-safety engine (behaviour and conversation state in this process's memory) and the
    /// service that feeds it and opens grooming review cases. Needs a <see cref="Safeguard.Cases.CaseService"/> registered.
    /// </summary>
    public static IServiceCollection AddSafeguardChildSafety(this IServiceCollection services)
    {
        services.TryAddSingleton<SafeguardMetrics>();
        services.TryAddSingleton(_ => new Safeguard.ChildSafety.ChildSafetyEngine());
        services.TryAddSingleton<ChildSafetyService>();
        services.AddHostedService<ChildSafetyMaintenance>();
        return services;
    }

    /// <summary>API-key authentication (<c>Authorization: Bearer</c>) and one authorization policy per scope.</summary>
    public static IServiceCollection AddSafeguardApiKeys(this IServiceCollection services)
    {
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.AddProblemDetails();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(o =>
        {
            foreach (var scope in new[] { ApiScopes.Check, ApiScopes.Curate, ApiScopes.Review, ApiScopes.Report, ApiScopes.Admin, ApiScopes.Audit })
            {
                o.AddPolicy(ScopeRequirement.PolicyName(scope), p => p.RequireAuthenticatedUser().AddRequirements(new ScopeRequirement(scope)));
            }
            // Everything not marked otherwise needs a valid key.
            o.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return services;
    }

    /// <summary>
    /// Authority reporting: the report desk over a file-based report store and evidence vault in the
    /// reporting folder, audited into the server's audit chain, and the background sweep. Not
    /// registered when <c>Safeguard:Reporting:Enabled</c> is false.
    /// </summary>
    public static IServiceCollection AddSafeguardReporting(this IServiceCollection services, IConfiguration configuration)
    {
        if (!configuration.GetValue($"{SafeguardOptions.Section}:Reporting:Enabled", true))
        {
            return services;
        }
        services.AddHttpClient(ReportingHttpClient);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SafeguardOptions>>().Value.Reporting);
        services.TryAddSingleton(sp =>
        {
            var all = sp.GetRequiredService<IOptions<SafeguardOptions>>().Value;
            var options = all.Reporting;
            var layout = new Safeguard.Reporting.ReportingLayout(options.ResolveDirectory(all.Storage.DataDirectory));
            var (keys, source) = VaultKeys.Load(options, layout.Root, Environment.GetEnvironmentVariable);
            if (source == VaultKeySource.DevelopmentFile)
            {
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Safeguard.Reporting").VaultDevelopmentKey();
            }
            System.IO.Directory.CreateDirectory(layout.Root);
            layout.MarkOwnedByServer();
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(ReportingHttpClient);
            http.Timeout = TimeSpan.FromSeconds(options.Ncmec.TimeoutSeconds);
            var desk = ReportDeskFactory.Create(options, layout, keys, new StoreAuditSink(sp.GetRequiredService<ISafeguardStore>()),
                sp.GetService<Safeguard.Cases.ICaseStore>(), http, sp.GetRequiredService<TimeProvider>(), sp.GetService<Safeguard.Reporting.NcmecSenderOptions>());
            desk.SentObserver = sp.GetService<Safeguard.Reporting.IReportSentObserver>();
            return desk;
        });
        services.AddHostedService<ReportSweeper>();
        return services;
    }

    /// <summary>The named HTTP client for NCMEC and the user-information webhook.</summary>
    public const string ReportingHttpClient = "safeguard-reporting";

    /// <summary>Everything the server needs, in one call.</summary>
    public static IServiceCollection AddSafeguard(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSafeguardOptions(configuration).AddSafeguardStorage().AddSafeguardMatching().AddSafeguardChildSafety().AddSafeguardApiKeys().AddSafeguardReviewStores().AddSafeguardReporting(configuration);
}
