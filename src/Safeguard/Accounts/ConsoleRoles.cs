// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Accounts;

/// <summary>What a console user may do. A user may hold several.</summary>
[Flags]
public enum ConsoleRoles
{
    None = 0,

    /// <summary>Manages users and settings, decides escalated cases, sees dead letters.</summary>
    Admin = 1,

    /// <summary>Manages banks and their entries.</summary>
    Curator = 2,

    /// <summary>Reviews image and text cases.</summary>
    Reviewer = 4,

    /// <summary>Reviews every case, including grooming and other child-safety cases that no one else sees.</summary>
    ChildSafetyReviewer = 8,

    /// <summary>Reads the audit log.</summary>
    Auditor = 16,

    /// <summary>Drafts, checks, sends and retracts authority reports (NCMEC, NCA); sees the evidence vault's deletion proposals.</summary>
    Reporter = 32,
}

/// <summary>Role names as typed on the command line and stored (<c>admin,curator,reviewer,child-safety-reviewer,auditor,reporter</c>).</summary>
public static class RoleNames
{
    private static readonly (ConsoleRoles Role, string Name)[] Names =
    [
        (ConsoleRoles.Admin, "admin"),
        (ConsoleRoles.Curator, "curator"),
        (ConsoleRoles.Reviewer, "reviewer"),
        (ConsoleRoles.ChildSafetyReviewer, "child-safety-reviewer"),
        (ConsoleRoles.Auditor, "auditor"),
        (ConsoleRoles.Reporter, "reporter"),
    ];

    /// <summary>All role names, in order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Names.Select(n => n.Name)];

    /// <summary>Comma-separated names of <paramref name="roles"/>.</summary>
    public static string Format(ConsoleRoles roles) => string.Join(',', Names.Where(n => roles.HasFlag(n.Role)).Select(n => n.Name));

    /// <summary>Parses a comma-separated list; <paramref name="error"/> names the first unknown role.</summary>
    public static bool TryParse(string? text, out ConsoleRoles roles, out string error)
    {
        roles = ConsoleRoles.None;
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"no role given; choose from {string.Join(", ", All)}";
            return false;
        }
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var match = Array.Find(Names, n => string.Equals(n.Name, part, StringComparison.OrdinalIgnoreCase));
            if (match.Role == ConsoleRoles.None)
            {
                error = $"unknown role '{part}'; choose from {string.Join(", ", All)}";
                return false;
            }
            roles |= match.Role;
        }
        return true;
    }

    /// <summary>True when <paramref name="roles"/> may draft, send and retract authority reports (reporter or admin).</summary>
    public static bool CanReport(ConsoleRoles roles) => (roles & (ConsoleRoles.Reporter | ConsoleRoles.Admin)) != 0;

    /// <summary>True when <paramref name="roles"/> may review cases at all.</summary>
    public static bool CanReview(ConsoleRoles roles) => (roles & (ConsoleRoles.Reviewer | ConsoleRoles.ChildSafetyReviewer | ConsoleRoles.Admin)) != 0;
}
