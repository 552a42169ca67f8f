using System.Net;
using Cheeseshop.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Tests.Access;

/// <summary>
/// Who may create projects, with real twine: by default an account needs a verified primary email address;
/// with Projects__Create=admins only an administrator brings in a new name (by upload, or with
/// `projects create NAME --owner USER`); prohibited names are refused in every spelling; every admin action
/// is in the admin audit log. An upload without credentials is asked for them (401 and a Basic challenge).
/// </summary>
public sealed class ProjectRulesTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_unverified_account_cannot_create_a_project_and_prohibited_names_are_refused(Database db)
    {
        var server = await ServerAsync(db);
        var token = await UploaderAsync(server, "uma-pr");
        await using (var data = ServerDatabase.Open(server))
        {
            var user = await data.Users.SingleAsync(u => u.NormalizedUsername == "uma-pr");
            await data.UserEmails.Where(e => e.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.IsVerified, false));
        }
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-pr");
        AssertFailed(await TwineAsync(server, token, alpha.Files), "an upload of a new project by an account without a verified email",
            "403", "does not have a verified primary email address");
        await AssertNoProjectAsync(server, "cheese-alpha-pr");
        await using (var data = ServerDatabase.Open(server))
        {
            var user = await data.Users.SingleAsync(u => u.NormalizedUsername == "uma-pr");
            await data.UserEmails.Where(e => e.UserId == user.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.IsVerified, true));
        }
        await UploadAsync(server, token, alpha);

        // A prohibition names the project in any spelling; the upload is refused with a 400 that says so.
        AssertSucceeded(await CliAsync(server, "projects", "prohibit", "cheese.gamma_extra-PR", "--reason", "reserved for the platform team"),
            "projects prohibit");
        var gamma = await BuildAsync("cheese-gamma-extra", "1.0", "-pr");
        AssertFailed(await TwineAsync(server, token, gamma.Files), "an upload of a prohibited name", "400", "isn't allowed", "prohibited");
        await AssertNoProjectAsync(server, "cheese-gamma-extra-pr");
        AssertFailed(await CliAsync(server, "projects", "prohibit", "Cheese-Gamma-Extra-PR", "--reason", "again"),
            "prohibiting a name twice", "is prohibited already");
        // The name of an existing project cannot be prohibited: the prohibition would not stop anything.
        AssertFailed(await CliAsync(server, "projects", "prohibit", "Cheese_Alpha_PR", "--reason", "too late"),
            "prohibiting an existing project's name", "exists", "keeps its name");
        AssertSucceeded(await CliAsync(server, "projects", "allow", "CHEESE-GAMMA-EXTRA-PR"), "projects allow");
        AssertFailed(await CliAsync(server, "projects", "allow", "cheese-gamma-extra-pr"), "allowing a name that is not prohibited", "is not prohibited");
        await UploadAsync(server, token, gamma);

        await using (var data = ServerDatabase.Open(server))
        {
            var audit = await data.AdminAudit.Where(a => a.Subject == "cheese-gamma-extra-pr").OrderBy(a => a.Id)
                .Select(a => new { a.Action, a.Actor, a.DetailsJson }).ToListAsync();
            AssertEqual("project.prohibit,project.allow", string.Join(',', audit.Select(a => a.Action)), "the admin audit of the name");
            Assert.All(audit, a => Assert.StartsWith("cli:", a.Actor));
            Assert.Contains("reserved for the platform team", audit[0].DetailsJson);
            AssertEqual(0, await data.ProhibitedProjectNames.CountAsync(), "prohibited names left");
        }
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task With_admins_only_new_names_come_from_an_administrator(Database db)
    {
        await using var server = await CheeseshopServer.StartAsync(db, settings: new Dictionary<string, string> { ["CHEESESHOP_Projects__Create"] = "admins" });
        Watch(server);
        var bobToken = await UploaderAsync(server, "bob-pa");
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-pa");
        AssertFailed(await TwineAsync(server, bobToken, alpha.Files), "a new project by a user who is not an admin",
            "403", "created only by its administrators");
        await AssertNoProjectAsync(server, "cheese-alpha-pa");

        // An administrator creates the project for bob; from then on bob's uploads go in as an owner's do.
        AssertFailed(await CliAsync(server, "projects", "create", "cheese-alpha-pa", "--owner", "nobody-pa"), "creating for an unknown user", "No user named");
        AssertFailed(await CliAsync(server, "projects", "create", "-bad-", "--owner", "bob-pa"), "creating an invalid name", "not a valid project name");
        AssertSucceeded(await CliAsync(server, "projects", "create", "Cheese_Alpha-PA", "--owner", "bob-pa"), "projects create");
        AssertFailed(await CliAsync(server, "projects", "create", "cheese.alpha.pa", "--owner", "bob-pa"), "creating it again", "exists already");
        await UploadAsync(server, bobToken, alpha);
        using (var venv = await NewVenvAsync())
        {
            AssertSucceeded(await PipInstallAsync(venv, server, "cheese-alpha-pa"), "pip install of the admin-created project");
            AssertEqual("1.0", await InstalledVersionAsync(venv, "cheese-alpha-pa"), "installed version");
        }
        var journal = await ServerDatabase.JournalAsync(server, "Cheese_Alpha-PA");
        Assert.Equal(["create", "add Owner bob-pa"], journal.Take(2).Select(j => j.Action));

        // An administrator's own upload may create a project; a prohibited name stays refused even to them.
        await server.CreateUserAsync("ada-pa", Password, admin: true);
        var adaToken = await server.CreateTokenAsync("ada-pa");
        await UploadAsync(server, adaToken, await BuildAsync("cheese-beta", "1.0", "-pa"));
        AssertSucceeded(await CliAsync(server, "projects", "prohibit", "cheese-gamma-extra-pa", "--reason", "squatted"), "projects prohibit");
        AssertFailed(await CliAsync(server, "projects", "create", "cheese-gamma-extra-pa", "--owner", "bob-pa"),
            "creating a prohibited name", "projects allow cheese-gamma-extra-pa");
        AssertFailed(await TwineAsync(server, adaToken, (await BuildAsync("cheese-gamma-extra", "1.0", "-pa")).Files),
            "an admin's upload of a prohibited name", "400", "isn't allowed");

        await using var data = ServerDatabase.Open(server);
        var created = await data.AdminAudit.SingleAsync(a => a.Action == "project.create");
        AssertEqual("cheese-alpha-pa", created.Subject, "the audited project");
        Assert.Contains("bob-pa", created.DetailsJson);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task An_upload_without_credentials_is_asked_for_them(Database db)
    {
        var server = await ServerAsync(db);
        var alpha = await BuildAsync("cheese-alpha", "1.0", "-nc");
        // twine sends no Authorization header when both the username and the password are empty.
        var twine = Logged(await PythonTools.TwineUploadAsync(server.UploadUrl, "", "", [alpha.Wheel]));
        AssertFailed(twine, "twine upload without credentials", "401", "Invalid or non-existent authentication information");

        using var form = new MultipartFormDataContent { { new StringContent("file_upload"), ":action" } };
        using var response = await server.Http.PostAsync("legacy/", form);
        AssertEqual(HttpStatusCode.Unauthorized, response.StatusCode, "POST /legacy/ without Authorization");
        AssertEqual("Basic realm=\"Cheeseshop\"", response.Headers.WwwAuthenticate.ToString(), "the challenge");

        // Credentials that are there but wrong stay a 403, as on warehouse, with no challenge.
        using var wrong = new HttpRequestMessage(HttpMethod.Post, server.UploadUrl) { Content = new MultipartFormDataContent() };
        wrong.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", "bm90LWJhc2U2NA==");
        using var refused = await server.Http.SendAsync(wrong);
        AssertEqual(HttpStatusCode.Forbidden, refused.StatusCode, "POST /legacy/ with malformed credentials");
        AssertEqual(0, refused.Headers.WwwAuthenticate.Count, "challenges on a 403");
        await AssertNoProjectAsync(server, "cheese-alpha-nc");
    }

    private async Task AssertNoProjectAsync(CheeseshopServer server, string normalized)
    {
        await using var data = ServerDatabase.Open(server);
        AssertEqual(false, await data.Projects.AnyAsync(p => p.NormalizedName == normalized), $"project {normalized} exists");
    }
}
