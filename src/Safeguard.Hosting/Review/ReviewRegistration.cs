// SPDX-License-Identifier: Apache-2.0
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Safeguard.Accounts;
using Safeguard.Cases;
using Safeguard.Hosting;
using Safeguard.Records;
using Safeguard.Storage;
using Safeguard.Webhooks;

#pragma warning disable IDE0130 // In the DI namespace so AddSafeguard…() is found without an extra using.
namespace Microsoft.Extensions.DependencyInjection;
#pragma warning restore IDE0130

/// <summary>Registers the review stores over the server's database.</summary>
public static class ReviewServiceCollectionExtensions
{
    /// <summary>
    /// Cases, exposure, console users, the webhook outbox, thumbnails and the audit trail over the
    /// configured store; the review options from <c>Safeguard:Review</c>; and ASP.NET data protection
    /// with its key ring in the database, so every node shares session and antiforgery keys.
    /// </summary>
    public static IServiceCollection AddSafeguardReviewStores(this IServiceCollection services)
    {
        static SqlStore Sql(IServiceProvider sp) => (SqlStore)sp.GetRequiredService<ISafeguardStore>();
        services.TryAddSingleton<ICaseStore>(sp => new SqlCaseStore(Sql(sp)));
        services.TryAddSingleton<IExposureStore>(sp => new SqlExposureStore(Sql(sp)));
        services.TryAddSingleton<IUserStore>(sp => new SqlUserStore(Sql(sp)));
        services.TryAddSingleton<IOutboxStore>(sp => new SqlOutboxStore(Sql(sp)));
        services.TryAddSingleton<IThumbnailStore>(sp => new SqlThumbnailStore(Sql(sp)));
        services.TryAddSingleton<IAuditTrail>(sp => new SqlAuditTrail(Sql(sp)));
        services.TryAddSingleton(sp =>
        {
            var review = sp.GetRequiredService<IOptions<SafeguardOptions>>().Value.Review;
            return new ReviewOptions(TimeSpan.FromMinutes(review.ClaimMinutes), review.DailyImageCap == 0 ? null : review.DailyImageCap);
        });
        services.AddDataProtection().SetApplicationName("Safeguard");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseXmlRepository(Sql(sp))));
        return services;
    }
}

/// <summary>
/// The data-protection key ring in the database (table <c>data_protection_keys</c>). Keys are
/// stored as ASP.NET writes them; anyone who can read the database can forge console sessions, so
/// the database is protected like the secrets it holds.
/// </summary>
internal sealed class DatabaseXmlRepository(SqlStore store) : IXmlRepository
{
    // IXmlRepository is synchronous; key reads happen once per key-ring refresh (about daily), never per request.
    public IReadOnlyCollection<XElement> GetAllElements() =>
        [.. store.ReadDataProtectionKeysAsync().GetAwaiter().GetResult().Select(XElement.Parse)];

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        store.StoreDataProtectionKeyAsync(name, element.ToString(SaveOptions.DisableFormatting)).GetAwaiter().GetResult();
    }
}
