using Microsoft.AspNetCore.Http.Features;

namespace Cheeseshop.Hosting;

/// <summary>
/// The request a service scope was made for, for the few services that describe it (ClientInfo, AccountLinks);
/// none in the scopes of the CLI and the background jobs. ASP.NET's IHttpContextAccessor would answer the same,
/// but registering it makes the server set an async-local and build a new HttpContext for every request instead
/// of reusing one per connection, cached pages included: the allocations that dominated a cache hit
/// (docs/performance.md). Here only a request that makes its scope pays, once.
/// </summary>
public sealed class CurrentRequest
{
    public HttpContext? Context { get; internal set; }
}

public static class RequestScope
{
    /// <summary>Makes each request's service scope know its request. First in the pipeline, before anything can
    /// ask for the request's services.</summary>
    public static IApplicationBuilder UseRequestScope(this IApplicationBuilder app)
    {
        var scopes = app.ApplicationServices.GetRequiredService<IServiceScopeFactory>();
        return app.Use((ctx, next) =>
        {
            ctx.Features.Set<IServiceProvidersFeature>(new ScopeFeature(ctx, scopes));
            return next(ctx);
        });
    }

    /// <summary>The request's scope, made on first use as ASP.NET's own is, and disposed with the response.</summary>
    private sealed class ScopeFeature(HttpContext ctx, IServiceScopeFactory scopes) : IServiceProvidersFeature, IAsyncDisposable
    {
        private AsyncServiceScope? _scope;
        private IServiceProvider? _services;

        public IServiceProvider RequestServices
        {
            get
            {
                if (_services is null)
                {
                    var scope = scopes.CreateAsyncScope();
                    _scope = scope;
                    _services = scope.ServiceProvider;
                    _services.GetRequiredService<CurrentRequest>().Context = ctx;
                    ctx.Response.RegisterForDisposeAsync(this);
                }
                return _services;
            }
            set => _services = value;
        }

        public ValueTask DisposeAsync() => _scope?.DisposeAsync() ?? ValueTask.CompletedTask;
    }
}
