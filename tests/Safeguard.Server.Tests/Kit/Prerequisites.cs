// SPDX-License-Identifier: Apache-2.0
namespace Safeguard.Server.Tests.Kit;

/// <summary>
/// What a test needs from the machine. Missing locally: the test skips with the reason. Missing on
/// CI (<c>CI=true</c>): the test fails, so a broken build machine never hides behind skips.
/// </summary>
internal static class Prerequisites
{
    public const string PostgresVariable = "SAFEGUARD_TEST_POSTGRES";

    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The admin connection string of the test PostgreSQL (from scripts/deps-postgres.sh).</summary>
    public static string? PostgresConnectionString => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } s ? s : null;

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public static void SkipOrFail(string reason)
    {
        if (OnCi)
        {
            Assert.Fail($"{reason} (CI=true: a missing prerequisite fails the run)");
        }
        Assert.Skip(reason);
    }
}
