// SPDX-License-Identifier: Apache-2.0
using System.Text;
using Safeguard.Hosting;
using Safeguard.ReviewConsole;
using Safeguard.ReviewConsole.Banks;
using Safeguard.Webhooks;

namespace Safeguard.Server.Review;

/// <summary>Wires the review console into the server: the same process, database and audit log.</summary>
internal static class ReviewComposition
{
    /// <summary>Registers the console with its banks over the server's store, configured from <c>Safeguard:Review</c> and <c>Safeguard:Webhooks</c>.</summary>
    public static IServiceCollection AddSafeguardReview(this IServiceCollection services, IConfiguration configuration)
    {
        // Read here because the console's worker and cookies are configured at registration; the
        // same values are validated at start-up by SafeguardOptionsValidator, which stops a bad configuration.
        var settings = configuration.GetSection(SafeguardOptions.Section).Get<SafeguardOptions>() ?? new SafeguardOptions();
        services.AddSingleton<IBankCatalog, StoreBankCatalog>();
        services.AddSafeguardConsole(o => Configure(o, settings));
        return services;
    }

    private static void Configure(ConsoleOptions console, SafeguardOptions settings)
    {
        var review = settings.Review;
        console.Review = new Cases.ReviewOptions(TimeSpan.FromMinutes(Math.Max(1, review.ClaimMinutes)), review.DailyImageCap <= 0 ? null : review.DailyImageCap);
        console.WorkerInterval = TimeSpan.FromMilliseconds(Math.Max(50, review.WorkerIntervalMilliseconds));
        var hook = settings.Webhooks;
        console.WebhookBackoff = new BackoffPolicy(TimeSpan.FromSeconds(Math.Max(1, hook.InitialRetrySeconds)),
            TimeSpan.FromSeconds(Math.Max(hook.InitialRetrySeconds, hook.MaxRetrySeconds)), Math.Max(1, hook.MaxAttempts));
        console.WebhookTimeout = TimeSpan.FromSeconds(Math.Max(1, hook.TimeoutSeconds));
        if (Uri.TryCreate(hook.Url, UriKind.Absolute, out var url) && hook.Secret is { Length: >= 16 } secret)
        {
            console.Webhook = new WebhookEndpoint(url, Encoding.UTF8.GetBytes(secret));
        }
    }
}
