using System.Text.Json;
using System.Text.Json.Nodes;
using Cheeseshop.Core.Privacy;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Audit;

/// <summary>
/// Writes user and project events. Each points at the ip_addresses row of the client (created or
/// touched here), never at a raw address of its own. Events are added to the caller's unit of work:
/// they commit, or roll back, with the change they describe.
/// </summary>
public sealed class EventRecorder(CheeseshopDb db, ClientInfo client, IpAddressHasher hasher, ICountryLookup countries, TimeProvider clock)
{
    public async Task UserEventAsync(Guid userId, string tag, object? additional = null, CancellationToken ct = default)
    {
        var (ipId, extra) = await ContextAsync(additional, ct);
        db.UserEvents.Add(new UserEvent { UserId = userId, Tag = tag, Time = CurrentTime, IpAddressId = ipId, AdditionalJson = extra });
    }

    public async Task ProjectEventAsync(Guid projectId, string tag, Guid? userId, object? additional = null, CancellationToken ct = default)
    {
        var (ipId, extra) = await ContextAsync(additional, ct);
        db.ProjectEvents.Add(new ProjectEvent { ProjectId = projectId, Tag = tag, Time = CurrentTime, UserId = userId, IpAddressId = ipId, AdditionalJson = extra });
    }

    private DateTime CurrentTime => clock.GetUtcNow().UtcDateTime;

    private async Task<(long? IpId, string Json)> ContextAsync(object? additional, CancellationToken ct)
    {
        var json = additional is null ? new JsonObject() : JsonSerializer.SerializeToNode(additional)!.AsObject();
        if (client.UserAgent is { } ua) json["user_agent"] = ua.Length > 400 ? ua[..400] : ua;
        long? ipId = null;
        if (client.Address is { } address)
        {
            var country = countries.CountryOf(address);
            if (country is not null) json["country_code"] = country;
            ipId = await UpsertAddressAsync(IpAddressHasher.Canonical(address), hasher.Hash(address), country, ct);
        }
        return (ipId, json.ToJsonString());
    }

    private Task<long> UpsertAddressAsync(string address, string hash, string? country, CancellationToken ct) =>
        db.UpsertIpAddressAsync(hash, address, country, CurrentTime, ct);
}
