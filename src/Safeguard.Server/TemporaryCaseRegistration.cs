// SPDX-License-Identifier: Apache-2.0
using Microsoft.Extensions.DependencyInjection.Extensions;
using Safeguard.Cases;
using Safeguard.Records;
using Safeguard.Webhooks;

namespace Safeguard.Server;

/// <summary>
/// TEMPORARY (wip/textsrv): an in-memory <see cref="CaseService"/> so that grooming cases opened by
/// <c>POST /v1/events</c> have somewhere to go until wip/cases registers the real, stored one in the
/// server's DI. LEAD: delete this file and its one call in <see cref="SafeguardServer.Build"/> when
/// merging wip/cases. Registered with TryAdd, so a CaseService registered earlier wins anyway.
/// </summary>
internal static class TemporaryCaseRegistration
{
    public static IServiceCollection AddTemporaryInMemoryCases(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return new CaseService(new InMemoryCaseStore(new InMemoryOutboxStore()), new InMemoryExposureStore(), new InMemoryAuditTrail(time),
                null, ReviewOptions.Default, time);
        });
        return services;
    }
}
