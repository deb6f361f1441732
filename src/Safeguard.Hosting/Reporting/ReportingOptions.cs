// SPDX-License-Identifier: Apache-2.0
using Safeguard.Evidence;
using Safeguard.Reporting;

namespace Safeguard.Hosting.Reporting;

/// <summary>
/// Authority reporting settings, section <c>Safeguard:Reporting</c>. Secrets (vault keys, NCMEC
/// password, webhook secret) come from the environment or a key file, never from committed files.
/// </summary>
public sealed class ReportingOptions
{
    /// <summary>The environment variable holding the vault master keys (<c>current=ID;ID=BASE64;…</c>).</summary>
    public const string KeysVariable = "SAFEGUARD_VAULT_KEYS";

    /// <summary>Turns reporting off entirely (no vault, no sweep, no endpoints answer).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The reporting folder (store, vault, evidence index, NCA outbox); default <c>{DataDirectory}/reporting</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>A vault key file (<c>safeguard.vault.keys/1</c>, mode 0600). Wins over <see cref="Keys"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>Vault keys as configuration text (prefer the <c>SAFEGUARD_VAULT_KEYS</c> environment variable).</summary>
    public string? Keys { get; set; }

    /// <summary>How often reports in flight are finished or retracted and retention is checked.</summary>
    public int SweepIntervalSeconds { get; set; } = 300;

    public ReporterOptions Reporter { get; set; } = new();

    public RoutingOptions Routing { get; set; } = new();

    public NcmecOptions Ncmec { get; set; } = new();

    public UserInfoOptions UserInfo { get; set; } = new();

    public RetentionOptions Retention { get; set; } = new();

    /// <summary>The folder actually used.</summary>
    public string ResolveDirectory(string dataDirectory) =>
        Path.GetFullPath(string.IsNullOrWhiteSpace(Directory) ? Path.Combine(dataDirectory, "reporting") : Directory);

    /// <summary>What drafting lacks before a report can be filed, or null.</summary>
    public string? DraftingProblem() =>
        string.IsNullOrWhiteSpace(Reporter.Platform) || string.IsNullOrWhiteSpace(Reporter.Email)
            ? "reporter details are not configured: set Safeguard:Reporting:Reporter:Platform and Safeguard:Reporting:Reporter:Email"
            : null;

    public ReporterSettings ToReporterSettings() => new()
    {
        Platform = Reporter.Platform ?? "",
        Service = Reporter.Service,
        ReportingPerson = new ContactDetails(Reporter.FirstName, Reporter.LastName, Reporter.Email ?? "", Reporter.Phone),
        ContactPerson = string.IsNullOrWhiteSpace(Reporter.ContactEmail) ? null : new ContactDetails(Reporter.ContactFirstName, Reporter.ContactLastName, Reporter.ContactEmail, Reporter.ContactPhone),
        CompanyTemplate = Reporter.CompanyTemplate,
        TermsOfService = Reporter.TermsOfService,
        LegalUrl = Reporter.LegalUrl,
    };

    public RoutingSettings ToRoutingSettings() => new()
    {
        Jurisdiction = Routing.Jurisdiction,
        ReportToNcmec = Routing.ReportToNcmec,
        NcmecArrangementsCoverContent = Routing.NcmecArrangementsCoverContent,
        NcaRegistered = Routing.NcaRegistered,
    };

    public RetentionPolicy ToRetentionPolicy() => new()
    {
        Content = TimeSpan.FromDays(Retention.ContentDays),
        SubmittedData = TimeSpan.FromDays(Retention.SubmittedDataDays),
        AuthorityReference = TimeSpan.FromDays(Retention.AuthorityReferenceDays),
    };
}

/// <summary>The reporter and contact on every report (NCMEC <c>reporter</c>, NCA reporting person).</summary>
public sealed class ReporterOptions
{
    public string? Platform { get; set; }

    public string? Service { get; set; }

    public string? FirstName { get; set; }

    public string? LastName { get; set; }

    public string? Email { get; set; }

    public string? Phone { get; set; }

    public string? ContactFirstName { get; set; }

    public string? ContactLastName { get; set; }

    public string? ContactEmail { get; set; }

    public string? ContactPhone { get; set; }

    public string? CompanyTemplate { get; set; }

    public string? TermsOfService { get; set; }

    public string? LegalUrl { get; set; }
}

/// <summary>NCMEC / NCA routing (docs/reporting.md, "NCA routing").</summary>
public sealed class RoutingOptions
{
    public ProviderJurisdiction Jurisdiction { get; set; } = ProviderJurisdiction.NonUk;

    public bool ReportToNcmec { get; set; } = true;

    public bool NcmecArrangementsCoverContent { get; set; }

    public bool NcaRegistered { get; set; }
}

/// <summary>The CyberTipline connection. Without a user name, nothing is sent to NCMEC.</summary>
public sealed class NcmecOptions
{
    /// <summary><c>test</c> (exttest) or <c>production</c>.</summary>
    public string Environment { get; set; } = "test";

    /// <summary>Overrides the environment's base address (tests point it at a local CyberTipline).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>Prefer the environment variable <c>SAFEGUARD_NCMEC_USERNAME</c>.</summary>
    public string? Username { get; set; }

    /// <summary>Prefer the environment variable <c>SAFEGUARD_NCMEC_PASSWORD</c>.</summary>
    public string? Password { get; set; }

    /// <summary>Validate against this XSD file instead of the live <c>GET /xsd</c>.</summary>
    public string? XsdFile { get; set; }

    public int TimeoutSeconds { get; set; } = 100;
}

/// <summary>The platform's user-information webhook, asked for a reported user's details at drafting time.</summary>
public sealed class UserInfoOptions
{
    public Uri? Url { get; set; }

    /// <summary>HMAC secret (prefer <c>Safeguard__Reporting__UserInfo__Secret</c> in the environment).</summary>
    public string? Secret { get; set; }
}

/// <summary>Retention minimums in days (docs/reporting.md, "Evidence vault").</summary>
public sealed class RetentionOptions
{
    public int ContentDays { get; set; } = 366;

    public int SubmittedDataDays { get; set; } = 366;

    public int AuthorityReferenceDays { get; set; } = (5 * 365) + 2;
}
