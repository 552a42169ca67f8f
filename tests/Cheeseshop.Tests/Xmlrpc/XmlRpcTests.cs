using System.Net;
using System.Text;
using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using static Cheeseshop.Tests.Api.TestDistributions;

namespace Cheeseshop.Tests.Xmlrpc;

/// <summary>The XML-RPC API through Python's own xmlrpc.client (what mirrors use), and hostile bodies.</summary>
public sealed class XmlRpcTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    public static TheoryData<Database> Databases => [Database.Sqlite, Database.Postgres];

    private async Task<string> UploadAsync(CheeseshopServer server, string token, string project, string version)
    {
        // A client address from a documentation range, through the trusted loopback proxy: it must
        // reach ip_addresses, and never the public journal.
        using var response = await UploadWheelAsync(server, token, project, version, "203.0.113.1");
        AssertEqual(HttpStatusCode.OK, response.StatusCode, $"upload {project} {version}: {response.ReasonPhrase}");
        return WheelName(project, version);
    }

    /// <summary>Runs a Python snippet with `s` bound to an xmlrpc.client.ServerProxy; returns its JSON output.</summary>
    private async Task<JsonElement> PythonAsync(CheeseshopServer server, string code)
    {
        var script = "import json, sys, xmlrpc.client as x\n" +
                     "_dumps = json.dumps\njson.dumps = lambda o: _dumps(o, separators=(',', ':'))\n" +
                     $"s = x.ServerProxy('{server.BaseUrl}/pypi', allow_none=True)\n" + code;
        var python = await PythonTools.PathPythonAsync();
        var result = await ProcessRunner.RunAsync(python, ["-c", script], PythonTools.IsolatedEnvironment());
        Log(result.ToString());
        AssertSucceeded(result, "python xmlrpc.client");
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task A_mirror_follows_the_changelog_by_serial(Database db)
    {
        var server = await ServerAsync(db);
        var user = $"mirror-owner-{db}".ToLowerInvariant();
        var token = await UploaderAsync(server, user);
        var project = $"mirrored-{db}".ToLowerInvariant();
        var before = await PythonAsync(server, "print(json.dumps(s.changelog_last_serial()))");
        var since = before.ValueKind == JsonValueKind.Null ? 0 : before.GetInt64();

        var wheel = await UploadAsync(server, token, project, "1.0");
        var result = await PythonAsync(server, $"print(json.dumps({{'last': s.changelog_last_serial(), 'since': s.changelog_since_serial({since}), " +
            $"'serials': s.list_packages_with_serial(), 'roles': s.package_roles('{project.ToUpperInvariant()}'), 'mine': s.user_packages('{user}'), " +
            $"'releases': s.package_releases('{project}'), 'urls': s.release_urls('{project}', '1.0'), 'data': s.release_data('{project}', '1.0'), " +
            $"'old': s.changelog(0, True)}}))");

        var rows = result.GetProperty("since").EnumerateArray().Where(r => r[0].GetString() == project).ToList();
        Assert.Equal(["create", $"add Owner {user}", "new release", $"add py3 file {wheel}"], rows.Select(r => r[3].GetString()));
        var serials = rows.Select(r => r[4].GetInt64()).ToList();
        Assert.Equal(serials.Order(), serials);
        AssertEqual(serials.Max(), result.GetProperty("last").GetInt64(), "changelog_last_serial");
        AssertEqual(serials.Max(), result.GetProperty("serials").GetProperty(project).GetInt64(), "list_packages_with_serial");
        Assert.True(rows.All(r => r.GetArrayLength() == 5 && r[2].ValueKind == JsonValueKind.Number));
        Assert.DoesNotContain(result.GetProperty("since").EnumerateArray().SelectMany(r => r.EnumerateArray()),
            v => v.ValueKind == JsonValueKind.String && v.GetString() == "203.0.113.1");

        AssertEqual($"[[\"Owner\",\"{user}\"]]", result.GetProperty("roles").GetRawText(), "package_roles (unnormalized name)");
        AssertEqual($"[[\"Owner\",\"{project}\"]]", result.GetProperty("mine").GetRawText(), "user_packages");
        AssertEqual("[\"1.0\"]", result.GetProperty("releases").GetRawText(), "package_releases");
        AssertEqual(wheel, result.GetProperty("urls")[0].GetProperty("filename").GetString(), "release_urls");
        AssertEqual(project, result.GetProperty("data").GetProperty("name").GetString(), "release_data");
        Assert.Contains(result.GetProperty("old").EnumerateArray(), r => r[0].GetString() == project && r.GetArrayLength() == 5);
    }

    [Theory]
    [MemberData(nameof(Databases))]
    public async Task Bad_calls_are_faults_never_server_errors(Database db)
    {
        var server = await ServerAsync(db);
        var faults = await PythonAsync(server, """
            out = []
            for call in [lambda: s.no_such_method(), lambda: s.changelog_since_serial('x'), lambda: s.package_roles(),
                         lambda: s.changelog_last_serial(1), lambda: s.search({'name': 'x'})]:
                try:
                    call(); out.append(None)
                except x.Fault as f:
                    out.append([f.faultCode, f.faultString])
            print(json.dumps(out))
            """);
        AssertEqual(-32601, faults[0][0].GetInt32(), "unknown method");
        AssertEqual("client error; serial: Input should be a valid integer", faults[1][1].GetString(), "wrong type");
        AssertEqual("client error; package_name: Missing required argument", faults[2][1].GetString(), "missing argument");
        AssertEqual("client error; 0: Unexpected positional argument", faults[3][1].GetString(), "extra argument");
        AssertEqual(-32500, faults[4][0].GetInt32(), "search is gone");

        async Task<string> Post(string body)
        {
            using var response = await server.Http.PostAsync("RPC2", new StringContent(body, Encoding.UTF8, "text/xml"));
            AssertEqual(HttpStatusCode.OK, response.StatusCode, "XML-RPC answers faults with 200");
            return await response.Content.ReadAsStringAsync();
        }
        var dtd = await Post("<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]><methodCall><methodName>list_packages</methodName><params><param><value>&b;</value></param></params></methodCall>");
        Assert.Contains("<int>-32700</int>", dtd);
        var huge = await Post("<?xml version=\"1.0\"?><methodCall><methodName>list_packages</methodName><params><param><value><string>" + new string('a', 2 * 1024 * 1024) + "</string></value></param></params></methodCall>");
        Assert.Contains("larger than the limit", huge);
        var garbage = await Post("this is not xml");
        Assert.Contains("<int>-32700</int>", garbage);
    }
}
