using System.Text;
using Cheeseshop.Core.Upstream;

namespace Cheeseshop.Core.Tests.Upstream;

/// <summary>What `mirror` reads besides project pages: the index's list of projects, and the JSON API's upload times and yank reasons.</summary>
public class MirrorSourceTests
{
    [Theory]
    [InlineData("application/vnd.pypi.simple.v1+json",
        """{"meta":{"api-version":"1.1"},"projects":[{"name":"Cheese"},{"name":"wensleydale"},{"name":"Cheese"},{"name":"-bad-"},{"x":1}]}""",
        "Cheese|wensleydale")]
    [InlineData("text/html; charset=utf-8",
        "<html><body><a href=\"/simple/cheese/\">Cheese</a>\n<a href='/simple/brie/'>brie</a><a href=\"/x\">not a name!</a></body></html>",
        "Cheese|brie")]
    [InlineData("application/vnd.pypi.simple.v1+html", "<a href=\"a/\">a&amp;b</a><a href=\"c/\"> c-d </a>", "c-d")]
    public void The_index_lists_its_projects_in_either_form(string type, string body, string expected) =>
        Assert.Equal(expected, string.Join("|", UpstreamPageParser.ParseIndex(type, Encoding.UTF8.GetBytes(body))));

    [Theory]
    [InlineData("application/octet-stream", "{}", "not a Simple API index")]
    [InlineData("application/vnd.pypi.simple.v1+json", "{\"files\":[]}", "no 'projects' list")]
    [InlineData("application/vnd.pypi.simple.v1+json", "{", "not valid JSON")]
    public void An_answer_that_is_no_index_says_why(string type, string body, string message) =>
        Assert.Contains(message, Assert.Throws<UpstreamPageException>(() => UpstreamPageParser.ParseIndex(type, Encoding.UTF8.GetBytes(body))).Message);

    [Fact]
    public void The_json_api_gives_upload_times_and_yank_reasons_by_filename()
    {
        var json = """
            {"info":{"name":"cheese"},
             "releases":{
               "1.0":[{"filename":"cheese-1.0.tar.gz","upload_time":"2020-01-02T03:04:05","upload_time_iso_8601":"2020-01-02T03:04:05.123456Z","yanked":true,"yanked_reason":"broken build"}],
               "2.0":[{"filename":"cheese-2.0.tar.gz","upload_time":"2021-05-06T07:08:09","yanked":false,"yanked_reason":"ignored"},
                      {"filename":"cheese-2.0-py3-none-any.whl","upload_time_iso_8601":"2021-05-06T09:08:09+02:00","yanked":true,"yanked_reason":null}]},
             "urls":[{"filename":"cheese-2.0.tar.gz","upload_time_iso_8601":"1999-01-01T00:00:00Z"}]}
            """;
        var files = JsonApiFiles.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(3, files.Count);
        Assert.Equal(new JsonApiFile(new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1234560), true, "broken build"), files["cheese-1.0.tar.gz"]);
        Assert.Equal(new JsonApiFile(new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc), false, null), files["cheese-2.0.tar.gz"]);
        Assert.Equal(new JsonApiFile(new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc), true, null), files["cheese-2.0-py3-none-any.whl"]);
        Assert.Equal(DateTimeKind.Utc, files["cheese-2.0.tar.gz"].UploadTime!.Value.Kind);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"releases\":[]}")]
    public void A_json_api_answer_of_another_shape_adds_nothing(string body) =>
        Assert.Empty(JsonApiFiles.Parse(Encoding.UTF8.GetBytes(body)));
}
