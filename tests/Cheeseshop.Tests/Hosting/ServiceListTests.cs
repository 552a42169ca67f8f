using Microsoft.Extensions.DependencyInjection;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Disclosure;
using Cheeseshop.Hosting;
using Cheeseshop.Privacy;
using Cheeseshop.Tests.Infrastructure;
using Categories = Cheeseshop.Core.Disclosure.Categories;

namespace Cheeseshop.Tests.Hosting;

/// <summary>
/// The registered handlers against the lists they must cover, on the services the server and the CLI
/// build: a retention class without a task would never be erased, a category without a generator could
/// not be produced.
/// </summary>
public sealed class ServiceListTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddLogging()
        .AddCheeseshop(AppConfiguration.Build(TempPaths.NewDirectory("service-lists"))).BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void Every_retention_class_has_exactly_one_task()
    {
        using var scope = _services.CreateScope();
        var keys = scope.ServiceProvider.GetServices<IRetentionTask>().Select(t => t.Key).ToList();
        Assert.Equal(RetentionPolicy.Defaults.Select(r => r.Key).Order(), keys.Order());
    }

    [Fact]
    public void Retention_runs_sealed_accounts_first_and_events_before_the_addresses_they_point_at()
    {
        using var scope = _services.CreateScope();
        var order = scope.ServiceProvider.GetServices<IRetentionTask>().Select(t => t.Key).ToList();
        Assert.Equal(RetentionPolicy.DeletedHeldAccounts, order[0]);
        string[] events = [RetentionPolicy.LoginFailureEvents, RetentionPolicy.UserEvents, RetentionPolicy.ProjectEvents, RetentionPolicy.DownloadEvents];
        Assert.Contains(RetentionPolicy.RawIpAddress, order);
        Assert.Contains(RetentionPolicy.UnreferencedIpAddress, order);
        foreach (var e in events)
        {
            Assert.Contains(e, order);
            Assert.True(order.IndexOf(e) < order.IndexOf(RetentionPolicy.RawIpAddress), $"{e} must run before {RetentionPolicy.RawIpAddress}");
            Assert.True(order.IndexOf(e) < order.IndexOf(RetentionPolicy.UnreferencedIpAddress), $"{e} must run before {RetentionPolicy.UnreferencedIpAddress}");
        }
    }

    [Fact]
    public void Every_disclosure_category_has_exactly_one_generator_in_package_order()
    {
        using var scope = _services.CreateScope();
        var keys = scope.ServiceProvider.GetServices<ICategoryGenerator>().Select(g => g.Key).ToList();
        Assert.Equal(Categories.Keys, keys);
    }
}
