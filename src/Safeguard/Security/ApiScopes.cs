// SPDX-License-Identifier: Apache-2.0
using System.Diagnostics.CodeAnalysis;

namespace Safeguard.Security;

/// <summary>What an API key may do. Stored as the comma-separated text form (<see cref="ApiScopeNames.ToText"/>).</summary>
[Flags]
public enum ApiScopes
{
    /// <summary>No scope.</summary>
    None = 0,

    /// <summary>Submit content and hashes for checking.</summary>
    Check = 1,

    /// <summary>Manage banks and their entries; list and export entries.</summary>
    Curate = 2,

    /// <summary>Read recorded checks and decide review cases.</summary>
    Review = 4,

    /// <summary>Prepare and send reports to authorities.</summary>
    Report = 8,

    /// <summary>Everything, including keys and settings.</summary>
    Admin = 16,

    /// <summary>Read transparency reports and regulator bundles (auditors and regulators); changes nothing.</summary>
    Audit = 32,
}

/// <summary>Text forms of <see cref="ApiScopes"/>.</summary>
public static class ApiScopeNames
{
    private static readonly (ApiScopes Scope, string Name)[] All =
    [
        (ApiScopes.Check, "check"),
        (ApiScopes.Curate, "curate"),
        (ApiScopes.Review, "review"),
        (ApiScopes.Report, "report"),
        (ApiScopes.Admin, "admin"),
        (ApiScopes.Audit, "audit"),
    ];

    /// <summary>Every scope's name.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(s => s.Name)];

    /// <summary>The name of a single scope.</summary>
    public static string NameOf(ApiScopes scope) =>
        All.FirstOrDefault(s => s.Scope == scope).Name ?? throw new ArgumentOutOfRangeException(nameof(scope), scope, "not a single scope");

    /// <summary>Comma-separated names, in a fixed order: <c>check,curate</c>.</summary>
    public static string ToText(this ApiScopes scopes) =>
        string.Join(',', All.Where(s => (scopes & s.Scope) != 0).Select(s => s.Name));

    /// <summary>Parses comma- or space-separated names (case-insensitive). On failure names the unknown scope.</summary>
    public static bool TryParse(string? text, out ApiScopes scopes, [NotNullWhen(false)] out string? error)
    {
        scopes = ApiScopes.None;
        foreach (var part in (text ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = All.FirstOrDefault(s => string.Equals(s.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
            {
                error = $"unknown scope '{part}'; scopes are {string.Join(", ", Names)}";
                return false;
            }
            scopes |= match.Scope;
        }
        if (scopes == ApiScopes.None)
        {
            error = $"at least one scope is needed: {string.Join(", ", Names)}";
            return false;
        }
        error = null;
        return true;
    }

    /// <summary>True when <paramref name="granted"/> allows <paramref name="required"/>; admin allows everything.</summary>
    public static bool Allows(this ApiScopes granted, ApiScopes required) =>
        (granted & ApiScopes.Admin) != 0 || (granted & required) == required;
}
