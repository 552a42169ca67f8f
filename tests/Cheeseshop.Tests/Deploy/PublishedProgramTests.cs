using System.Net;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Deploy;

/// <summary>
/// The deployable program: the single-file, self-contained <c>cheeseshop</c> the documented `dotnet publish`
/// makes, alone in a folder, runs the server that twine uploads to and pip installs from, and its admin
/// verbs. Published once per test run (or reused from the cache while the sources are unchanged).
/// </summary>
public sealed class PublishedProgramTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Fact]
    public async Task The_published_single_file_program_serves_twine_and_pip()
    {
        var executable = await PublishedBinary.EnsureAsync();
        AssertEqual("cheeseshop", string.Join(", ", Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(executable)!)
            .Select(Path.GetFileName)), "the folder of the published program holds the one file");
        var extract = TempPaths.NewDirectory("bundle");
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, hosting: ServerHosting.Published,
            settings: new Dictionary<string, string> { ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract });
        Watch(server);
        AssertEqual(HttpStatusCode.OK, (await server.Http.GetAsync("health/ready")).StatusCode, "/health/ready of the published program");

        var env = new Dictionary<string, string?> { ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract };
        var create = Logged(await ProcessRunner.RunAsync(executable,
            ["users", "create", "published-user", "--email", "published-user@example.invalid", "--password-stdin", "--data-dir", server.DataDir],
            env, stdin: Password + "\n", timeout: TimeSpan.FromMinutes(2)));
        AssertSucceeded(create, "cheeseshop users create (the published program)");
        var tokens = Logged(await ProcessRunner.RunAsync(executable, ["tokens", "create", "published-user", "--data-dir", server.DataDir],
            env, timeout: TimeSpan.FromMinutes(2)));
        AssertSucceeded(tokens, "cheeseshop tokens create (the published program)");

        var alpha = await BuildAsync("cheese-alpha", "1.0", "-pub");
        await UploadAsync(server, tokens.Stdout.Trim(), alpha);
        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, server, alpha.ProjectName), "pip install from the published program");
        AssertEqual("1.0", await InstalledVersionAsync(venv, alpha.ProjectName), "installed version");
    }
}
