using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Import;

/// <summary>
/// `cheeseshop mirror` from an index that serves PEP 503 HTML only (a folder served by python's http.server,
/// as pypiserver or a static index would): the project list is read from the index page, the files from
/// the project page, and what HTML cannot say (upload times, the yank's reason) from the JSON API beside it.
/// </summary>
public sealed class MirrorHtmlTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    private const string SdistTime = "2019-02-03T04:05:06.789012Z";
    private const string WheelTime = "2019-02-03T04:05:07Z";

    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task An_html_index_is_mirrored_with_upload_times_and_yank_reasons_from_its_json_api(Database database)
    {
        var target = await ServerAsync(database);
        var suffix = database == Database.Sqlite ? "-mhs" : "-mhp";
        var owner = "htmlmirror" + suffix;
        await target.CreateUserAsync(owner, Password);
        var built = await BuildAsync("cheese-beta", "3.0", suffix);
        var project = built.ProjectName;
        var root = TempPaths.NewDirectory("html-index");
        var files = Directory.CreateDirectory(Path.Combine(root, "files")).FullName;
        var anchors = "";
        foreach (var file in built.Files)
        {
            File.Copy(file, Path.Combine(files, Path.GetFileName(file)));
            anchors += $"<a href=\"../../files/{Path.GetFileName(file)}#sha256={Sha256Of(file)}\" data-requires-python=\"&gt;=3.7\" data-yanked=\"\">{Path.GetFileName(file)}</a><br/>\n";
        }
        Write(root, "simple/index.html", $"<!DOCTYPE html><html><body><a href=\"{project}/\">{project}</a></body></html>\n");
        Write(root, $"simple/{project}/index.html", $"<!DOCTYPE html><html><body>\n{anchors}</body></html>\n");
        Write(root, $"pypi/{project}/json/index.html", JsonSerializer.Serialize(new
        {
            info = new { name = project },
            releases = new Dictionary<string, object>
            {
                ["3.0"] = new object[]
                {
                    new { filename = Path.GetFileName(built.Sdist), upload_time_iso_8601 = SdistTime, yanked = true, yanked_reason = "superseded by 3.1" },
                    new { filename = Path.GetFileName(built.Wheel), upload_time_iso_8601 = WheelTime, yanked = true, yanked_reason = "superseded by 3.1" },
                },
            },
        }));
        // python's http.server over the folder (a directory's index.html answers its URL; a URL without
        // the final slash is redirected to it on the same host).
        using var server = PythonHttpServer.Start(["-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", root], Log);
        var port = server.Port;

        var run = await CliAsync(target, "mirror", $"http://127.0.0.1:{port}/simple/", "--owner", owner);
        AssertSucceeded(run, "mirror of the HTML index");
        AssertOutputContains(run, "2 mirrored, 0 already there, 1 yanked, 0 refused.", "the summary");

        using var json = JsonDocument.Parse(await target.Http.GetStringAsync($"pypi/{project}/json"));
        var got = json.RootElement.GetProperty("releases").GetProperty("3.0").EnumerateArray()
            .ToDictionary(f => f.GetProperty("filename").GetString()!, f => string.Join(" | ",
                f.GetProperty("upload_time_iso_8601").GetString(), f.GetProperty("yanked").GetBoolean(),
                f.GetProperty("yanked_reason").ToString(), f.GetProperty("requires_python").ToString(),
                f.GetProperty("digests").GetProperty("sha256").GetString()));
        AssertEqual($"{SdistTime} | True | superseded by 3.1 | >=3.7 | {Sha256Of(built.Sdist)}", got[Path.GetFileName(built.Sdist)], "the sdist on the mirror");
        AssertEqual($"{WheelTime} | True | superseded by 3.1 | >=3.7 | {Sha256Of(built.Wheel)}", got[Path.GetFileName(built.Wheel)], "the wheel on the mirror");

        server.Dispose();
        var gone = await CliAsync(target, "mirror", $"http://127.0.0.1:{port}/simple/", "--owner", owner);
        AssertFailed(gone, "mirror of an index that is gone", $"error: the upstream index http://127.0.0.1:{port}/simple/ could not be reached");
        var unknown = await CliAsync(target, "mirror", $"http://127.0.0.1:{port}/simple/", "--owner", "nobody" + suffix);
        AssertFailed(unknown, "mirror for an owner who does not exist", $"There is no user 'nobody{suffix}'");
    }

    private static void Write(string root, string path, string text)
    {
        var full = Path.Combine(root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
    }
}
