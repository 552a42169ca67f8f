using Cheeseshop.Configuration;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Disclosure.Generators;

namespace Cheeseshop.Disclosure;

public static class DisclosureServices
{
    /// <summary>Legal requests, the nine category generators, packages, notices, data exports and the transparency report.</summary>
    public static IServiceCollection AddDisclosure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSettings<DisclosureOptions>(configuration.GetSection(DisclosureOptions.Section));

        services.AddScoped<LegalAudit>();
        services.AddScoped<LegalNoticeService>();
        services.AddScoped<LegalRequestService>();
        services.AddScoped<DisclosureProducer>();
        services.AddScoped<InterruptedProductions>();
        services.AddScoped<DataExportService>();
        services.AddScoped<TransparencyService>();

        // One per category, in package order; each generator names its category key, and DisclosureProducer
        // refuses to produce unless every category has exactly one.
        services.AddScoped<ICategoryGenerator, NamesGenerator>();
        services.AddScoped<ICategoryGenerator, AddressesGenerator>();
        services.AddScoped<ICategoryGenerator, ConnectionRecordsGenerator>();
        services.AddScoped<ICategoryGenerator, SessionsGenerator>();
        services.AddScoped<ICategoryGenerator, LengthOfServiceGenerator>();
        services.AddScoped<ICategoryGenerator, InstrumentNumbersGenerator>();
        services.AddScoped<ICategoryGenerator, PaymentGenerator>();
        services.AddScoped<ICategoryGenerator, PackagesGenerator>();
        services.AddScoped<ICategoryGenerator, DownloadLogsGenerator>();
        // Where the download-logs category reads from: the download statistics' events (no addresses).
        services.AddScoped<IDownloadLogSource, DownloadEventLogSource>();
        return services;
    }
}
