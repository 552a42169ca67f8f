using System.Collections.Concurrent;
using Cheeseshop.Tests.Downloads;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.TrustedPublishing;

/// <summary>
/// As <see cref="ServerFixture"/>, each server trusting three loopback issuers of <see cref="Issuer"/>
/// (/github of kind github, /gitlab of kind gitlab, /generic of kind generic; /unknown is served but not
/// configured) and running on a clock of its own that a test moves.
/// </summary>
public sealed class TrustedPublishingServers : ServerFixture, IAsyncLifetime
{
    private readonly ConcurrentDictionary<Database, ShiftedClock> _clocks;

    public TrustedPublishingServers() : this(new TestIssuer(), new ConcurrentDictionary<Database, ShiftedClock>())
    {
    }

    private TrustedPublishingServers(TestIssuer issuer, ConcurrentDictionary<Database, ShiftedClock> clocks)
        : base(db => CheeseshopServer.StartAsync(db, settings: Settings(issuer), clock: clocks.GetOrAdd(db, _ => new ShiftedClock())))
    {
        Issuer = issuer;
        _clocks = clocks;
    }

    public TestIssuer Issuer { get; }

    public ShiftedClock ClockOf(Database database) => _clocks.GetOrAdd(database, _ => new ShiftedClock());

    public static Dictionary<string, string> Settings(TestIssuer issuer) => new()
    {
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Url"] = issuer.Issuer("github"),
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Kind"] = "github",
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__1__Url"] = issuer.Issuer("gitlab") + "/",
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__1__Kind"] = "gitlab",
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__2__Url"] = issuer.Issuer("generic"),
        ["CHEESESHOP_Auth__TrustedPublishing__Issuers__2__Kind"] = "generic",
    };

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Issuer.DisposeAsync();
    }
}
