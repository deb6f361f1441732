// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection.Extensions;
using Safeguard.Hosting.Transparency;
using Safeguard.Storage;
using Safeguard.Transparency;

#pragma warning disable IDE0130 // In the DI namespace so AddSafeguard…() is found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the transparency record log and the recorder.</summary>
public static class TransparencyServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IRecordLog"/> = the store's <c>transparency_records</c> table (<see cref="SqlStore.Records"/>),
    /// and <see cref="ITransparencyRecorder"/> over it. A host with another store registers its own <see cref="IRecordLog"/> first.
    /// </summary>
    public static IServiceCollection AddSafeguardTransparency(this IServiceCollection services)
    {
        services.TryAddSingleton<IRecordLog>(sp => sp.GetRequiredService<ISafeguardStore>() is SqlStore sql
            ? sql.Records
            : throw new InvalidOperationException("the registered store has no record log; register an IRecordLog"));
        services.TryAddSingleton<ITransparencyRecorder, TransparencyRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Safeguard.Cases.ICaseDecisionObserver, CaseDecisionRecorder>());
        services.TryAddSingleton<Safeguard.Reporting.IReportSentObserver, ReportSentRecorder>();
        return services;
    }
}
