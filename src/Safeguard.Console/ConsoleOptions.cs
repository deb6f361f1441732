// SPDX-License-Identifier: Apache-2.0
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Webhooks;

namespace Safeguard.ReviewConsole;

/// <summary>Console settings. The server fills them from <c>Safeguard:Review:*</c> and <c>Safeguard:Webhooks:*</c>.</summary>
public sealed class ConsoleOptions
{
    /// <summary>The authentication scheme of console sessions (separate from API keys).</summary>
    public const string Scheme = "SafeguardConsole";

    /// <summary>Session cookie. The <c>__Host-</c> prefix makes browsers insist on Secure, Path=/ and no Domain.</summary>
    public string SessionCookieName { get; set; } = "__Host-safeguard-console";

    /// <summary>Antiforgery cookie.</summary>
    public string AntiforgeryCookieName { get; set; } = "__Host-safeguard-csrf";

    /// <summary>Idle time after which a session ends.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Claims and exposure cap.</summary>
    public ReviewOptions Review { get; set; } = ReviewOptions.Default;

    /// <summary>Lock-out after failed sign-ins.</summary>
    public LockoutPolicy Lockout { get; set; } = LockoutPolicy.Default;

    /// <summary>Argon2id cost for new password hashes.</summary>
    public Argon2Parameters PasswordHashing { get; set; } = Argon2Parameters.Default;

    /// <summary>The platform's webhook receiver; null disables delivery (the outbox still fills).</summary>
    public WebhookEndpoint? Webhook { get; set; }

    /// <summary>Time limit of one webhook delivery attempt.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry schedule for webhooks.</summary>
    public BackoffPolicy WebhookBackoff { get; set; } = BackoffPolicy.Default;

    /// <summary>How often the background worker expires claims and sends webhooks.</summary>
    public TimeSpan WorkerInterval { get; set; } = TimeSpan.FromSeconds(5);
}
