// SPDX-License-Identifier: Apache-2.0
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.ReviewConsole;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the review console.</summary>
public static class ConsoleServiceCollectionExtensions
{
    /// <summary>
    /// Adds the console's sessions, antiforgery, services and background worker. The stores
    /// (<see cref="ICaseStore"/>, <see cref="IExposureStore"/>, <see cref="IUserStore"/>,
    /// <c>IOutboxStore</c>, <c>IAuditTrail</c>, <see cref="IThumbnailStore"/>, <c>IBankCatalog</c>) are registered by the host.
    /// </summary>
    public static IServiceCollection AddSafeguardConsole(this IServiceCollection services, Action<ConsoleOptions>? configure = null)
    {
        var options = new ConsoleOptions();
        configure?.Invoke(options);
        services.TryAddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(nameof(ConsoleWorker), c => c.Timeout = options.WebhookTimeout);

        services.AddAuthentication()
            .AddCookie(ConsoleOptions.Scheme, o =>
            {
                o.Cookie.Name = options.SessionCookieName;
                o.Cookie.HttpOnly = true;
                o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.Path = "/";
                o.ExpireTimeSpan = options.SessionIdleTimeout;
                o.SlidingExpiration = true;
                o.LoginPath = "/console/login";
                o.LogoutPath = "/console/logout";
                o.AccessDeniedPath = "/console/login";
            });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = options.AntiforgeryCookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/";
            o.FormFieldName = "__csrf";
            o.HeaderName = "X-CSRF-Token";
        });

        services.TryAddSingleton<IPasswordHasher>(sp => new Argon2idPasswordHasher(sp.GetRequiredService<ConsoleOptions>().PasswordHashing));
        services.TryAddSingleton(sp => new SignInService(
            sp.GetRequiredService<IUserStore>(), sp.GetRequiredService<IPasswordHasher>(), sp.GetRequiredService<ConsoleOptions>().Lockout, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new CaseService(
            sp.GetRequiredService<ICaseStore>(), sp.GetRequiredService<IExposureStore>(), sp.GetRequiredService<Safeguard.Records.IAuditTrail>(),
            sp.GetService<Safeguard.ReviewConsole.Banks.IBankCatalog>(), sp.GetService<ReviewOptions>() ?? sp.GetRequiredService<ConsoleOptions>().Review,
            sp.GetRequiredService<TimeProvider>(), sp.GetServices<ICaseDecisionObserver>()));
        services.AddHostedService<ConsoleWorker>();
        return services;
    }

    /// <summary>The options as registered (for hosts that need to read them).</summary>
    public static ConsoleOptions GetConsoleOptions(this IServiceProvider services) => services.GetRequiredService<ConsoleOptions>();

}
