using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.EndToEnd;

/// <summary>The admin CLI's yank (PEP 592) as pip sees it.</summary>
public sealed class YankTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task A_yanked_release_is_installed_only_when_pinned(Database database)
    {
        var server = await ServerAsync(database);
        var token = await UploaderAsync(server, "mia-yank");
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
}
