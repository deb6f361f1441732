// SPDX-License-Identifier: Apache-2.0
using System.Reflection;
using Microsoft.Extensions.Logging;
using Safeguard.Hosting.Diagnostics;

namespace Safeguard.Server.Tests.Diagnostics;

/// <summary>
/// Privacy control on logging: every <c>[LoggerMessage]</c> method in Safeguard's server assemblies
/// may take only opaque ids, counts, durations, enum reasons and a few named strings that are never
/// user input. A new parameter outside this list fails here and has to be reviewed.
/// </summary>
public sealed class LogMessagesTests
{
    private static readonly HashSet<string> NumberNames =
    [
        "keyId", "bankId", "entryId", "checkId", "caseId", "banks", "entries", "changes", "changeId", "matchCount", "errorCount",
        "committed", "bytes", "elapsedMs", "schemaVersion", "statusCode", "sequence",
        "caseId", "events", "candidates", "reports", "objects",
    ];

    // Strings that are produced by Safeguard itself: a type name, a decision, a route template, a scope, a store name.
    private static readonly HashSet<string> StringNames = ["errorType", "decision", "route", "scope", "provider"];

    private static readonly Assembly[] ServerAssemblies = [typeof(LogMessages).Assembly, typeof(SafeguardServer).Assembly];

    [Fact]
    public void EveryLoggerMessage_TakesOnlyAllowListedParameters()
    {
        var methods = ServerAssemblies.SelectMany(a => a.GetTypes())
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => m.GetCustomAttribute<LoggerMessageAttribute>() is not null)
            .ToList();
        Assert.True(methods.Count >= 20, $"found only {methods.Count} [LoggerMessage] methods; is the reflection still looking in the right place?");
        var problems = new List<string>();
        foreach (var method in methods)
        {
            foreach (var p in method.GetParameters())
            {
                var type = p.ParameterType;
                bool ok = typeof(ILogger).IsAssignableFrom(type)
                    || type.IsEnum
                    || (type == typeof(string) && StringNames.Contains(p.Name!))
                    || ((type == typeof(long) || type == typeof(int) || type == typeof(double)) && NumberNames.Contains(p.Name!))
                    || (type == typeof(TimeSpan) && p.Name!.EndsWith("Elapsed", StringComparison.Ordinal));
                if (!ok)
                {
                    problems.Add($"{method.DeclaringType!.Name}.{method.Name}({type.Name} {p.Name})");
                }
            }
        }
        Assert.True(problems.Count == 0, "log parameters outside the allow-list: " + string.Join(", ", problems));
    }

    [Fact]
    public void EventIds_AreUnique()
    {
        var ids = typeof(LogMessages).GetMethods().Select(m => m.GetCustomAttribute<LoggerMessageAttribute>()).OfType<LoggerMessageAttribute>().Select(a => a.EventId).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var constants = typeof(SafeguardEventIds).GetFields().Select(f => (int)f.GetRawConstantValue()!).ToList();
        Assert.Equal(constants.Count, constants.Distinct().Count());
    }
}
