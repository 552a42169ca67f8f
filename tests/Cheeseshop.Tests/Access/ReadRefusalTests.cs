using Cheeseshop.Auth;
using Microsoft.AspNetCore.Routing;

namespace Cheeseshop.Tests.Access;

/// <summary>What a reader of a private index may read, by the projects its token is limited to, as a table.</summary>
public sealed class ReadRefusalTests
{
    public static TheoryData<string?, string, string, bool> Cases => new()
    {
        // projects the token is limited to ("" for none), route value, its value, allowed
        { null, "project", "anything", true },
        { null, "", "", true },
        { "alpha", "project", "alpha", true },
        { "alpha", "project", "Alpha", true },
        { "alpha", "project", "beta", false },
        { "alpha", "filename", "alpha-1.0-py3-none-any.whl", true },
        { "alpha", "filename", "alpha_extra-1.0.tar.gz", false },
        { "alpha", "", "", false },
        { "alpha,beta", "project", "beta", true },
        { "alpha,beta", "project", "BETA", true },
        { "alpha,beta", "filename", "beta-2.0.tar.gz", true },
        { "alpha,beta", "project", "gamma", false },
        { "alpha,beta", "filename", "gamma-1.0.tar.gz", false },
        { "alpha,beta", "", "", false },
        { "", "project", "alpha", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_token_reads_only_its_projects(string? projects, string key, string value, bool allowed)
    {
        var reader = new Reader(Guid.NewGuid(), Guid.NewGuid(), projects?.Split(',', StringSplitOptions.RemoveEmptyEntries), null);
        var route = new RouteValueDictionary();
        if (key.Length > 0) route[key] = value;
        var refusal = IndexAccess.ReadRefusal(reader, route);
        Assert.Equal(allowed, refusal is null);
        if (refusal is null) return;
        Assert.StartsWith("This API token", refusal);
        foreach (var project in projects!.Split(',', StringSplitOptions.RemoveEmptyEntries)) Assert.Contains($"'{project}'", refusal);
    }
}
