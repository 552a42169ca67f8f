using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.EndToEnd;

/// <summary>The admin CLI (yank, unyank, remove) as pip and twine see it, and the real executable's change
/// served by a running server as soon as the command returns.</summary>
[LongRunning]
public sealed class AdminCliTests(ProcessServerFixture servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<ProcessServerFixture>
{
    // pip's choice given the yank mark; storing the mark is tested on both databases elsewhere.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task A_yanked_release_is_installed_only_when_pinned(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        await UploadAsync(server, token,
            await BuildAsync("cheese-alpha", "1.0", "-yank"),
            await BuildAsync("cheese-alpha", "1.1", "-yank"));

        var yank = await CliAsync(server, "releases", "yank", "cheese-alpha-yank", "1.1", "--reason", "broken on purpose");
        AssertSucceeded(yank, "cheeseshop releases yank cheese-alpha-yank 1.1");

        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha-yank"), "pip install cheese-alpha-yank");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-yank"), "plain install skips the yanked 1.1");
        }

        using (var venv = await NewVenvAsync())
        {
            var pinned = await PipInstallAsync(venv, server, "cheese-alpha-yank==1.1");
            AssertSucceeded(pinned, "pip install cheese-alpha-yank==1.1");
            AssertEqual("1.1", await InstalledVersionAsync(venv, "cheese-alpha-yank"), "== pins the yanked release");
            // pip warns, quoting the reason the index gives.
            AssertOutputContains(pinned, "yanked", "pip's warning about a yanked release");
            AssertOutputContains(pinned, "broken on purpose", "the yank reason in pip's warning");
        }

        AssertSucceeded(await CliAsync(server, "releases", "unyank", "cheese-alpha-yank", "1.1"),
            "cheeseshop releases unyank cheese-alpha-yank 1.1");
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha-yank"), "pip install cheese-alpha-yank after unyank");
            AssertEqual("1.1", await InstalledVersionAsync(venv, "cheese-alpha-yank"), "after unyank the latest is 1.1 again");
        }
    }

    /// <summary>
    /// The server learns of the CLI's changes from the journal; polled alone (here once a minute), a page
    /// cached before a yank would be served for up to a poll interval after the command returned. The
    /// command nudges the server and waits until it has dropped the stale pages.
    /// </summary>
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_cli_change_is_served_as_soon_as_the_command_returns(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_JournalPollMilliseconds"] = "60000",
        });
        const string project = "cheese-yank-at-once";
        await Accounts.RoleTests.CreateProjectAsync(server, "yank-owner", project);
        async Task<string> PageAsync() => await server.Http.GetStringAsync($"simple/{project}/");
        Assert.DoesNotContain("data-yanked", await PageAsync()); // now cached

        AssertSucceeded(await CliProcessAsync(server, "releases", "yank", project, "1.0", "--reason", "at once"), "releases yank");
        Assert.Contains("data-yanked=\"at once\"", await PageAsync());
        AssertSucceeded(await CliProcessAsync(server, "releases", "unyank", project, "1.0"), "releases unyank");
        Assert.DoesNotContain("data-yanked", await PageAsync());
    }

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Removed_files_and_releases_are_gone_and_their_filenames_stay_used(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        var v10 = await BuildAsync("cheese-alpha", "1.0", "-rm");
        var v11 = await BuildAsync("cheese-alpha", "1.1", "-rm");
        var v12 = await BuildAsync("cheese-alpha", "1.2", "-rm");
        await UploadAsync(server, token, v10, v11, v12);

        // Without 1.2's wheel, a wheel-only install falls back to 1.1.
        AssertSucceeded(await CliAsync(server, "files", "remove", "cheese-alpha-rm", Path.GetFileName(v12.Wheel)),
            $"cheeseshop files remove cheese-alpha-rm {Path.GetFileName(v12.Wheel)}");
        var listed = (await SimpleJsonFilesAsync(server, "cheese-alpha-rm")).Select(f => f.Filename).ToList();
        if (listed.Contains(Path.GetFileName(v12.Wheel)) || !listed.Contains(Path.GetFileName(v12.Sdist)))
            Fail($"after files remove, the index should list 1.2's sdist but not its wheel; it lists {string.Join(", ", listed)}");
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, server, "--only-binary", ":all:", "cheese-alpha-rm"),
                "pip install --only-binary :all: cheese-alpha-rm");
            AssertEqual("1.1", await InstalledVersionAsync(venv, "cheese-alpha-rm"), "newest release with a wheel");
        }

        // With releases 1.1 and 1.2 removed, 1.0 is all pip sees.
        AssertSucceeded(await CliAsync(server, "releases", "remove", "cheese-alpha-rm", "1.1"), "cheeseshop releases remove cheese-alpha-rm 1.1");
        AssertSucceeded(await CliAsync(server, "releases", "remove", "cheese-alpha-rm", "1.2"), "cheeseshop releases remove cheese-alpha-rm 1.2");
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha-rm"), "pip install cheese-alpha-rm");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-rm"), "the only release left");
            AssertFailed(await PipInstallAsync(venv, server, "cheese-alpha-rm==1.1"), "pip install cheese-alpha-rm==1.1 after its removal",
                "No matching distribution found");
        }

        // A filename once used is never used again, even for the very same bytes (PyPI's rule).
        AssertFailed(await TwineAsync(server, token, [v11.Wheel]), "re-uploading a removed release's wheel", "400");
        AssertFailed(await TwineAsync(server, token, [v12.Wheel]), "re-uploading a removed file", "400");
    }
}
