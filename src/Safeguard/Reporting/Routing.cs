// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Reporting;

/// <summary>Whether the operator is a UK provider (s.66(1)) or a non-UK one (s.66(2)).</summary>
public enum ProviderJurisdiction
{
    Uk,
    NonUk,
}

/// <summary>The operator's routing configuration (specs/nca-reporting.md §3.2).</summary>
public sealed record RoutingSettings
{
    public ProviderJurisdiction Jurisdiction { get; init; } = ProviderJurisdiction.NonUk;

    /// <summary>Whether this operator reports to NCMEC at all.</summary>
    public bool ReportToNcmec { get; init; } = true;

    /// <summary>
    /// The operator's legal judgement that its NCMEC arrangements cover this content, so it is not
    /// "unreported" under s.70(5) and no second referral goes to the NCA. Safeguard never infers it.
    /// </summary>
    public bool NcmecArrangementsCoverContent { get; init; }

    /// <summary>Whether the operator is registered with the NCA (reg. 4); unregistered P1 cases get the 999 instruction.</summary>
    public bool NcaRegistered { get; init; }
}

/// <summary>Where the NCMEC report of a case stands, as far as routing cares.</summary>
public enum NcmecProgress
{
    NotSent,
    Pending,
    Finished,

    /// <summary>Failed or retracted: treated as not covered by arrangements until legal advice says otherwise.</summary>
    FailedOrRetracted,
}

/// <summary>What routing decided about the NCA.</summary>
public enum NcaRoute
{
    /// <summary>Report to the NCA.</summary>
    Required,

    /// <summary>Covered by NCMEC arrangements (s.70(5)): no duplicate referral.</summary>
    CoveredByNcmec,

    /// <summary>Decided once the NCMEC report finishes or fails.</summary>
    AwaitingNcmecOutcome,

    /// <summary>A non-UK provider without UK-link evidence must not report to the NCA (s.66(2)).</summary>
    MustNotReport,
}

/// <summary>A routing result with the inputs it was computed from, stored with the report for audit.</summary>
public sealed record RoutingDecision(
    bool SendToNcmec,
    NcaRoute Nca,
    bool CallEmergencyServicesNow,
    IReadOnlyList<string> Reasons,
    ProviderJurisdiction Jurisdiction,
    bool UkLinked,
    bool NcmecArrangementsCoverContent,
    NcmecProgress NcmecProgress);

/// <summary>Decides NCMEC, NCA or both, per the table in specs/nca-reporting.md §3.2.</summary>
public static class ReportRouter
{
    public static RoutingDecision Decide(RoutingSettings settings, UkLinkEvidence ukLink, ReportPriority priority, NcmecProgress ncmec)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(ukLink);
        var reasons = new List<string>();
        bool ukLinked = ukLink.Any;
        NcaRoute nca;
        if (settings.Jurisdiction == ProviderJurisdiction.NonUk && !ukLinked)
        {
            nca = NcaRoute.MustNotReport;
            reasons.Add("non-UK provider and no UK-link evidence: must not report to the NCA (OSA s.66(2))");
        }
        else if (settings.ReportToNcmec && settings.NcmecArrangementsCoverContent)
        {
            (nca, string why) = ncmec switch
            {
                NcmecProgress.Finished => (NcaRoute.CoveredByNcmec, "NCMEC report finished under arrangements the operator declared as covering this content: not 'unreported' (OSA s.70(5)); no duplicate referral"),
                NcmecProgress.FailedOrRetracted => (NcaRoute.Required, "NCMEC report failed or was retracted: treated as not covered by arrangements, so the NCA gets the report"),
                _ => (NcaRoute.AwaitingNcmecOutcome, "NCMEC arrangements declared to cover this content: NCA decision waits for the NCMEC outcome"),
            };
            reasons.Add(why);
        }
        else
        {
            nca = NcaRoute.Required;
            reasons.Add(settings.Jurisdiction == ProviderJurisdiction.Uk
                ? "UK provider; content not covered by NCMEC arrangements (OSA s.66(1))"
                : "non-UK provider with UK-link evidence; not covered by NCMEC arrangements (OSA s.66(2))");
        }
        if (settings.ReportToNcmec)
        {
            reasons.Add("operator reports to NCMEC (18 U.S.C. 2258A arrangements configured)");
        }
        bool call999 = priority == ReportPriority.P1 && (nca is NcaRoute.Required or NcaRoute.AwaitingNcmecOutcome) && !settings.NcaRegistered;
        if (call999)
        {
            reasons.Add("P1 and not registered with the NCA: call 999 now, do not wait for registration");
        }
        return new RoutingDecision(settings.ReportToNcmec, nca, call999, reasons, settings.Jurisdiction, ukLinked, settings.NcmecArrangementsCoverContent, ncmec);
    }
}
