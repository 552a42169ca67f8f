using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.EndToEnd;

/// <summary>
/// Names as people write them, Requires-Python, and a real wheel that nobody here built. What pip makes of
/// the index is the same whichever database the server keeps; the names are looked up on both, the rest runs
/// on SQLite. On PostgreSQL, ReadApiTests checks the same pages and files over HTTP (data-requires-python,
/// the JSON negotiation, the .metadata files) and UploadTests and InstallTests upload and install with twine and pip.
/// </summary>
public sealed class CompatibilityTests(ProcessServerFixture servers, ITestOutputHelper output)
    : EndToEndTest(servers, output), IClassFixture<ProcessServerFixture>
{
    // Names are normalized in code before any query: one database is enough.
    [Theory]
    [InlineData(Database.Sqlite)]
    public async Task An_unnormalized_project_name_installs_by_any_spelling(Database database)
    {
        var server = await ServerAsync(database);
        var token = await SharedTokenAsync(server);
        // Project "Cheese_Gamma.Extra_T05"; PEP 503 normalizes it to "cheese-gamma-extra-t05".
        var gamma = await BuildAsync("cheese-gamma-extra", "1.0", "_T05");
        await UploadAsync(server, token, gamma);

        foreach (var spelling in new[] { "Cheese_Gamma.Extra_T05", "cheese-gamma-extra-t05", "CHEESE.gamma__extra-T05" })
        {
            using var venv = await NewVenvAsync();
            AssertSucceeded(await PipInstallAsync(venv, server, spelling), $"pip install {spelling}");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-gamma-extra-t05"), $"version installed as {spelling}");
            AssertEqual("1.0", await ImportAsync(venv, "cheese_gamma_extra"), "cheese_gamma_extra.__version__");
        }
    }

    [Fact]
    public async Task A_release_whose_Requires_Python_excludes_this_Python_is_not_chosen()
    {
        var server = await ServerAsync(Database.Sqlite);
        var token = await SharedTokenAsync(server);
        await UploadAsync(server, token,
            await BuildAsync("cheese-alpha", "1.0", "-rp"),
            await BuildAsync("cheese-alpha", "2.0", "-rp", new Dictionary<string, string> { ["REQUIRES_PYTHON"] = "<3" }),
            await BuildAsync("cheese-legacy", "1.0", "-rp"));

        using var venv = await NewVenvAsync();
        var install = await PipInstallAsync(venv, server, "cheese-alpha-rp");
        AssertSucceeded(install, "pip install cheese-alpha-rp (2.0 needs Python <3, 1.0 fits)");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-rp"), "pip takes the newest release this Python may install");

        // Only release needs Python <3: pip finds nothing it may install and says why, without downloading it.
        var legacy = await PipInstallAsync(venv, server, "cheese-legacy-rp");
        AssertFailed(legacy, "pip install cheese-legacy-rp", "No matching distribution found", "require a different python version");
        AssertEqual(null, await InstalledVersionAsync(venv, "cheese-legacy-rp"), "cheese-legacy-rp");
    }

    [Fact]
    public async Task A_newer_pip_uses_the_JSON_index_and_core_metadata_files()
    {
        var server = await ServerAsync(Database.Sqlite);
        var token = await SharedTokenAsync(server);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-meta");
        var beta = await BuildAsync("cheese-beta", "1.0", "-meta");
        await UploadAsync(server, token, alpha, beta);

        // pip 23.2's own Accept header prefers PEP 691 JSON.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "simple/cheese-beta-meta/"))
        {
            request.Headers.TryAddWithoutValidation("Accept",
                "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, text/html; q=0.01");
            using var response = await server.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Log($"GET /simple/cheese-beta-meta/ with pip's Accept -> {(int)response.StatusCode} {response.Content.Headers.ContentType}\n{body}");
            AssertEqual("application/vnd.pypi.simple.v1+json", response.Content.Headers.ContentType?.MediaType,
                "Content-Type of /simple/cheese-beta-meta/ for pip's Accept header");
        }

        // pip 23.2 (PATH's python3) reads dependencies from the PEP 658 .metadata files before downloading wheels.
        using var venv = await NewVenvAsync(PythonFlavor.PathPython);
        var install = await PipInstallAsync(venv, server, "cheese-beta-meta");
        AssertSucceeded(install, "pip 23.2 install cheese-beta-meta");
        AssertOutputContains(install, Path.GetFileName(beta.Wheel) + ".metadata", "pip should fetch cheese-beta-meta's core metadata file");
        AssertOutputContains(install, Path.GetFileName(alpha.Wheel) + ".metadata", "pip should fetch cheese-alpha-meta's core metadata file");
        AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-meta"), "cheese-alpha-meta (dependency)");
        AssertEqual("beta+alpha", await ImportAsync(venv, "cheese_beta", "name()"), "cheese_beta.name()");
    }

    [Fact]
    public async Task The_real_pip_wheel_uploads_and_installs()
    {
        var server = await ServerAsync(Database.Sqlite);
        var token = await SharedTokenAsync(server);
        var wheel = await PythonTools.BundledPipWheelAsync();
        var version = PythonTools.WheelVersion(wheel);
        Log($"bundled pip wheel: {wheel} (version {version})");

        AssertSucceeded(await TwineAsync(server, token, [wheel]), $"twine upload {Path.GetFileName(wheel)}");

        using var venv = await NewVenvAsync();
        // --force-reinstall: even if the venv's own pip has this version, it is fetched from the index.
        var install = await PipInstallAsync(venv, server, "--force-reinstall", $"pip=={version}");
        AssertSucceeded(install, $"pip install pip=={version}");
        AssertOutputContains(install, Path.GetFileName(wheel), "pip should download the uploaded wheel");
        AssertEqual(version, await InstalledVersionAsync(venv, "pip"), "installed pip");
        var pipVersion = Logged(await venv.PipAsync("--version"));
        AssertSucceeded(pipVersion, "pip --version with the installed pip");
        AssertOutputContains(pipVersion, $"pip {version} ", "pip --version");
    }
}
