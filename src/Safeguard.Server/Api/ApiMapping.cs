// SPDX-License-Identifier: Apache-2.0
using Safeguard.Banks;
using Safeguard.Checks;
using Safeguard.Hosting.Checks;
using Safeguard.Hosting.Security;
using Safeguard.Security;

namespace Safeguard.Server.Api;

/// <summary>Domain → wire conversions and endpoint conventions shared by the API areas.</summary>
internal static class ApiMapping
{
    public static BankResponse ToResponse(this Bank b, long? entries = null) =>
        new(b.Name, b.Description, b.Source, b.Category, b.PdqRadius, b.Enabled, b.Action.ToText(), b.CreatedAt, b.UpdatedAt, entries, b.Kind.ToText(), b.Shadow);

    public static EntryResponse ToResponse(this BankEntry e, string bank) =>
        new(e.Id, bank, e.Kind.ToText(), e.Value, e.ExternalId, e.Labels, e.Note, e.AddedBy, e.AddedAt, e.DisabledUntil, e.Deleted);

    public static CheckHashesResponse ToResponse(this CheckHashes h) => new(h.Pdq, h.PdqQuality, h.Md5, h.Sha1, h.Sha256);

    /// <summary>Entry details go to curators, reviewers and admins; <c>check</c>-only callers see bank and action unless configured.</summary>
    public static bool SeesEntryDetails(this ApiCaller caller, bool revealToCheckScope) =>
        revealToCheckScope || caller.Scopes.Allows(ApiScopes.Curate) || caller.Scopes.Allows(ApiScopes.Review);

    public static CheckMatchResponse ToResponse(this MatchDetail m, bool details) => details
        ? new(m.Bank, m.Action, m.EntryId, m.Kind, m.Distance, m.Labels, m.ExternalId)
        : new(m.Bank, m.Action, null, null, null, null, null);

    public static CheckMatchResponse ToResponse(this CheckMatch m) =>
        new(m.BankName, m.Action.ToText(), m.EntryId, m.Kind.ToText(), m.Distance, null, null, m.SpanStart, m.SpanEnd);

    public static TextHitResponse ToResponse(this TextHitDetail h, bool details) => details
        ? new(h.Kind, h.Bank, h.Category, h.Action, h.Start, h.End, h.EntryId, h.EntryKind, h.Labels, h.ExternalId)
        : new(h.Kind, h.Bank, h.Category, h.Action, h.Start, h.End, null, null, null, null);

    /// <summary>Requires <paramref name="scope"/> (admin passes every scope) and records it for the 403 message.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, ApiScopes scope)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(ScopeRequirement.PolicyName(scope)).WithMetadata(new RequiredScope(scope));

    /// <summary>The authenticated caller; endpoints behind a scope always have one.</summary>
    public static ApiCaller Caller(this HttpContext context) =>
        ApiCaller.From(context.User) ?? throw new InvalidOperationException("endpoint reached without an authenticated caller");
}

/// <summary>Log category of the API endpoints.</summary>
internal sealed class ApiLog;
