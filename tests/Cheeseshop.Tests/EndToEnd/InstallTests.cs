using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.EndToEnd;

/// <summary>twine uploads, pip installs from the index, Python imports: the index's main job, on both databases.</summary>
[LongRunning]
public sealed class InstallTests(ProcessServerFixture servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<ProcessServerFixture>
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Uploaded_sdist_and_wheel_install_by_name_and_import(Database database)
    {
        var server = await ServerAsync(database);
        var token = await UploaderAsync(server, "alice-basic");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-basic");

        await UploadAsync(server, token, alpha);

        // The index lists both files, and serves back exactly the bytes that were uploaded.
        var files = await SimpleJsonFilesAsync(server, "cheese-alpha-basic");
        foreach (var local in alpha.Files)
        {
            var name = Path.GetFileName(local);
            var listed = files.Where(f => f.Filename == name).ToList();
            if (listed.Count != 1)
                Fail($"/simple/cheese-alpha-basic/ should list {name} once; it lists: {string.Join(", ", files.Select(f => f.Filename))}");
            AssertEqual(Sha256Of(local), listed[0].Sha256, $"sha256 of {name} in the simple index");
            var served = await server.Http.GetByteArrayAsync(listed[0].Url);
            AssertEqual(Sha256Of(local), Sha256Of(served), $"sha256 of the bytes served at {listed[0].Url}");
        }

        using var venv = await NewVenvAsync();
        var install = await PipInstallAsync(venv, server, "cheese-alpha-basic");
        AssertSucceeded(install, "pip install cheese-alpha-basic");
        // pip chose the wheel (it could not build the sdist: the index offers no setuptools).
        AssertOutputContains(install, Path.GetFileName(alpha.Wheel), "pip install should download the wheel");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-basic"), "installed version");
        AssertEqual("1.0", await ImportAsync(venv, "cheese_alpha"), "cheese_alpha.__version__");
        AssertEqual("cheese-alpha-basic-1.0", await ImportAsync(venv, "cheese_alpha", "MARKER"), "cheese_alpha.MARKER");
    }

    // pip's choice among served versions: one database is enough.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task Pre_releases_are_installed_only_when_asked_for(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        await UploadAsync(server, token,
            await BuildAsync("cheese-alpha", "1.0", "-pre"),
            await BuildAsync("cheese-alpha", "1.1", "-pre"),
            await BuildAsync("cheese-alpha", "2.0b1", "-pre"));

        using var venv = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha-pre"), "pip install cheese-alpha-pre");
        AssertEqual("1.1", await InstalledVersionAsync(venv, "cheese-alpha-pre"), "plain install takes the latest final release");

        AssertSucceeded(await PipInstallAsync(venv, server, "--pre", "--upgrade", "cheese-alpha-pre"), "pip install --pre --upgrade");
        AssertEqual("2.0b1", await InstalledVersionAsync(venv, "cheese-alpha-pre"), "--pre takes the pre-release");
        AssertEqual("2.0b1", await ImportAsync(venv, "cheese_alpha"), "cheese_alpha.__version__");

        using var pinned = await NewVenvAsync();
        AssertSucceeded(await PipInstallAsync(pinned, server, "cheese-alpha-pre==2.0b1"), "pip install cheese-alpha-pre==2.0b1");
        AssertEqual("2.0b1", await InstalledVersionAsync(pinned, "cheese-alpha-pre"), "a pinned pre-release installs without --pre");
    }

    // pip's resolution over served pages: one database is enough.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task A_dependency_on_another_uploaded_project_resolves_from_the_index(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        await UploadAsync(server, token,
            await BuildAsync("cheese-alpha", "0.9", "-dep"),
            await BuildAsync("cheese-alpha", "1.0", "-dep"),
            await BuildAsync("cheese-beta", "1.0", "-dep"));

        using var venv = await NewVenvAsync();
        var install = await PipInstallAsync(venv, server, "cheese-beta-dep");
        AssertSucceeded(install, "pip install cheese-beta-dep");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-beta-dep"), "installed cheese-beta-dep");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-dep"), "cheese-alpha-dep, pulled in as a dependency (>=1.0)");
        AssertEqual("beta+alpha", await ImportAsync(venv, "cheese_beta", "name()"), "cheese_beta.name(), which calls cheese_alpha");
    }
}
