using Cheeseshop.Audit;
using Cheeseshop.Hosting;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Cheeseshop.Tests.Hosting;

/// <summary>
/// The services that describe a request (ClientInfo, AccountLinks) learn it from the request's own service scope
/// (Hosting/RequestScope). Registering ASP.NET's IHttpContextAccessor instead, as a library or a later change
/// might, would make the server build a new HttpContext for every request, cached pages included.
/// </summary>
public sealed class RequestScopeTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task Nothing_registers_IHttpContextAccessor_and_a_scope_outside_a_request_describes_no_client()
    {
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite);
        Assert.Null(server.AppServices.GetService<IHttpContextAccessor>());
        await using var scope = server.AppServices.CreateAsyncScope();
        Assert.Null(scope.ServiceProvider.GetRequiredService<CurrentRequest>().Context);
        var client = scope.ServiceProvider.GetRequiredService<ClientInfo>();
        Assert.Null(client.Address);
        Assert.Null(client.UserAgent);
    }
}
