using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Cheeseshop.Metrics;

/// <summary>Counts the connections EF Core opens and closes, on either database: how many this process
/// holds at once is what runs out first (the PostgreSQL pool, or SQLite's one writer).</summary>
public sealed class ConnectionMetrics(CheeseshopMetrics metrics) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => metrics.ConnectionOpened();

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        metrics.ConnectionOpened();
        return Task.CompletedTask;
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => metrics.ConnectionClosed();

    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        metrics.ConnectionClosed();
        return Task.CompletedTask;
    }
}
