using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Storage;

/// <summary>
/// Several nodes, as docs/operations.md describes them: a real S3-compatible server (s3rver) with one
/// bucket, and two Cheeseshop servers on one PostgreSQL database and that bucket, each with its own
/// data folder but one shared IP-hash key file. Started once for the test class.
/// </summary>
public sealed class S3ClusterFixture : IAsyncLifetime
{
    public const string Prefix = "packages/";

    private string? _secrets;

    public TestS3rver S3 { get; private set; } = null!;
    public CheeseshopServer NodeA { get; private set; } = null!;
    public CheeseshopServer NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        S3 = await TestS3rver.StartAsync();
        _secrets = TempPaths.NewDirectory("cluster-secrets");
        var settings = S3.Settings(Prefix);
        settings["CHEESESHOP_IpHashKeyFile"] = Path.Combine(_secrets, "ip-hash.key");
        // Quick enough for a test to see the other node's changes and the download counts.
        settings["CHEESESHOP_JournalPollMilliseconds"] = "100";
        settings["CHEESESHOP_Downloads__FlushMilliseconds"] = "100";
        NodeA = await CheeseshopServer.StartAsync(Database.Postgres, settings: settings, hosting: ServerHosting.Process);
        // Started after A, which has created the schema.
        NodeB = await CheeseshopServer.StartAsync(Database.Postgres, settings: settings, joinPostgresDatabase: NodeA.PostgresDatabase, hosting: ServerHosting.Process);
    }

    public async Task DisposeAsync()
    {
        // B first: A owns the database and drops it.
        if (NodeB != null) await NodeB.DisposeAsync();
        if (NodeA != null) await NodeA.DisposeAsync();
        if (S3 != null) await S3.DisposeAsync();
        if (_secrets != null) TempPaths.TryDelete(_secrets);
    }
}
