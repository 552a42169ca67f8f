using System.Diagnostics;
using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

public class UserAgentParserTests
{
    private static InstallerDetails Named(string name, string? version = null) => new(Installer: new Installer(name, version));

    private static void AssertKnown(InstallerDetails expected, string userAgent)
    {
        var result = UserAgentParser.Parse(userAgent);
        Assert.False(result.Ignored);
        Assert.Equal(expected, result.Details);
    }

    private static void AssertUnknown(string userAgent)
    {
        var result = UserAgentParser.Parse(userAgent);
        Assert.False(result.Ignored);
        Assert.Null(result.Details);
    }

    [Theory]
    [MemberData(nameof(LinehaulFixtures.Recognised), MemberType = typeof(LinehaulFixtures))]
    public void Linehaul_fixture_agents_parse_as_linehaul_records_them(string userAgent, InstallerDetails expected) =>
        AssertKnown(expected, userAgent);

    [Theory]
    [MemberData(nameof(LinehaulFixtures.Ignored), MemberType = typeof(LinehaulFixtures))]
    public void Linehaul_fixture_ignored_agents_are_ignored(string userAgent) =>
        Assert.Equal(UserAgentParseResult.Ignore, UserAgentParser.Parse(userAgent));

    // ---- real agents seen on this project's machines ----

    [Fact]
    public void Pip_23_with_distro_libc_rustc_and_null_ci()
    {
        // pip 23.2.1's own user_agent() on Debian 12 (python3 -c "from pip._internal.network.session import user_agent; print(user_agent())").
        AssertKnown(
            new InstallerDetails(
                Installer: new Installer("pip", "23.2.1"),
                Python: "3.11.7",
                Implementation: new Implementation("CPython", "3.11.7"),
                Distro: new Distro("Debian GNU/Linux", "12", "bookworm", new Libc("glibc", "2.36")),
                System: new SystemInfo("Linux", "6.18.44-fc-v657"),
                Cpu: "x86_64",
                OpensslVersion: "OpenSSL 3.0.19 27 Jan 2026",
                SetuptoolsVersion: "65.5.0",
                RustcVersion: "1.95.0",
                Ci: null),
            """pip/23.2.1 {"ci":null,"cpu":"x86_64","distro":{"id":"bookworm","libc":{"lib":"glibc","version":"2.36"},"name":"Debian GNU/Linux","version":"12"},"implementation":{"name":"CPython","version":"3.11.7"},"installer":{"name":"pip","version":"23.2.1"},"openssl_version":"OpenSSL 3.0.19 27 Jan 2026","python":"3.11.7","rustc_version":"1.95.0","setuptools_version":"65.5.0","system":{"name":"Linux","release":"6.18.44-fc-v657"}}""");
    }

    public static TheoryData<string, string> Installers => new()
    {
        { "curl/7.88.1", "Browser" },
        { "Wget/1.21.3 (linux-gnu)", "Browser" },
        { "wget", "Browser" },
        { "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "Browser" },
        { "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "Browser" },
        { "Safari/17617.1.17.11.12 CFNetwork/1474 Darwin/23.0.0", "Browser" },
        { "Opera/9.80 (Windows NT 6.1) Presto/2.12.388 Version/12.16", "Browser" },
        { "aria2/1.36.0", "Browser" },
        { "okhttp/4.9.0", "Browser" },
        { "Apache-HttpClient/4.5.13 (Java/11.0.11)", "Browser" },
        { "AndroidDownloadManager/11 (Linux; U; Android 11)", "Browser" },
        { "FDM 6.19/x64", "Browser" },
        { "MacPorts/2.7.2 libcurl/7.79.1", "OS" },
        { "xbps/0.59", "OS" },
        { "OpenBSD ftp", "OS" },
        { "NetBSD-ftp/20230930", "OS" },
        { "libfetch/2.0", "OS" },
        { "slackrepo", "OS" },
        { "PTXdist 2023.01", "OS" },
    };

    [Theory]
    [MemberData(nameof(Installers))]
    public void Downloaders_browsers_and_OS_fetchers_get_linehauls_installer_names(string userAgent, string installer) =>
        AssertKnown(Named(installer), userAgent);

    [Theory]
    [InlineData("Datadog Agent/7.32.0")]
    [InlineData("Go-http-client/1.1")]
    [InlineData("Go-http-client/2.0")]
    [InlineData("Go 1.1 package http")]
    [InlineData("Java/1.8.0_292")]
    [InlineData("Scrapy/2.5.0 (+https://scrapy.org)")]
    [InlineData("NutchCVS/0.8-dev (Nutch; http://lucene.apache.org/nutch/bot.html)")]
    [InlineData("WordPress/6.4; https://example.org")]
    [InlineData("Chef Client/17.10.0 (ruby-3.0.3-p157; ohai-17.9.0; x86_64-linux; +https://chef.io)")]
    [InlineData("Chef Knife/17.0")]
    [InlineData("Ruby")]
    [InlineData("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)")]
    [InlineData("TextualInlineMedia/1.0")]
    [InlineData("WeeChat/4.0.0")]
    [InlineData("Download Master")]
    [InlineData("GNU Guile")]
    [InlineData("github-olee")]
    [InlineData("YisouSpider")]
    [InlineData("Apache Ant/1.10.12")]
    [InlineData("Salt/3006.1")]
    [InlineData("ansible-httpget")]
    [InlineData("ltx71 - (http://ltx71.com/)")]
    [InlineData("spectool/4.0")]
    [InlineData("AWSBrewLinkChecker/1.0")]
    [InlineData("Y!J-ASR/0.1 crawler (http://www.yahoo-help.jp/)")]
    [InlineData("NSIS_Inetc (Mozilla)")]
    [InlineData("Debian uscan 2.23.4")]
    [InlineData("Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)")]
    [InlineData("MauiBot (crawler.feedback+dc@gmail.com)")]
    [InlineData("inspector.pypi.io")]
    [InlineData("(null)")]
    public void Bots_and_crawlers_on_the_ignore_list_are_ignored(string userAgent)
    {
        var result = UserAgentParser.Parse(userAgent);
        Assert.True(result.Ignored);
        Assert.Null(result.Details);
    }

    [Fact]
    public void A_missing_header_is_ignored_like_the_CDNs_null_entry() =>
        Assert.Equal(UserAgentParseResult.Ignore, UserAgentParser.Parse(null));

    [Fact]
    public void An_installer_pattern_wins_over_the_ignore_list()
    {
        // "Nutch" is ignored anywhere in an agent, but a browser string is recognised first.
        AssertKnown(Named("Browser"), "Mozilla/5.0 (compatible; Nutch; +http://nutch.apache.org/bot.html)");
    }

    [Theory]
    [InlineData("Ruby/3.2")]              // only the bare "Ruby" is on the list
    [InlineData("ruby")]                  // and the list is case-sensitive
    [InlineData("Python-urllib/3.11")]    // linehaul's pattern takes one-digit minor versions only
    [InlineData("com.apple.WebKit.Networking/8614")] // linehaul wants a second "/" or the end after it
    [InlineData("Homebrew/4.0.0 (Linux; x86_64) curl/7.88.1")]
    [InlineData("bandersnatch/6.1.0")]    // needs the "(...)" platform part
    [InlineData("Links (2.28; Linux 6.1.0 x86_64; GNU C 12.2; text)")] // "Links" must be followed by "/" or the end
    public void Near_misses_stay_unknown(string userAgent) => AssertUnknown(userAgent);

    // ---- pip versions and their two formats ----

    [Theory]
    [InlineData("pip/1.5.6 Unknown/Unknown Unknown/Unknown")]
    [InlineData("pip/1.4 unknown/unknown unknown/unknown")]
    public void Old_pip_leaves_out_unknown_parts(string userAgent) =>
        AssertKnown(Named("pip", userAgent.Split(' ')[0][4..]), userAgent);

    [Fact]
    public void Old_pip_on_PyPy_gives_no_python_version()
    {
        AssertKnown(
            new InstallerDetails(
                Installer: new Installer("pip", "1.5"),
                Implementation: new Implementation("PyPy", "2.2.1"),
                System: new SystemInfo("Linux", "3.13.0-24-generic")),
            "pip/1.5 PyPy/2.2.1 Linux/3.13.0-24-generic");
    }

    [Fact]
    public void Old_pip_copies_the_CPython_version_as_written()
    {
        // linehaul copies impl_version to python for CPython even when it says "Unknown".
        AssertKnown(
            new InstallerDetails(
                Installer: new Installer("pip", "5.6"),
                Python: "Unknown",
                Implementation: new Implementation("cpython", null),
                System: new SystemInfo("Windows", "7")),
            "pip/5.6 cpython/Unknown Windows/7");
    }

    [Theory]
    [InlineData("pip/1.3.1 CPython/2.7.6 Linux/3.2.0")]  // before the format existed
    [InlineData("pip/6.0 CPython/2.7.6 Linux/3.2.0")]    // 6.0 switched to JSON
    [InlineData("pip/6.0rc1 CPython/2.7.6 Linux/3.2.0")] // a 6.0 prerelease is not "< 6"
    [InlineData("pip/1.4.1 CPython/2.7.6")]              // system part missing
    [InlineData("pip/5.0 {\"installer\":{\"name\":\"pip\"}}")]
    [InlineData("pip/6.0rc1 {\"installer\":{\"name\":\"pip\"}}")]
    [InlineData("pip/")]
    [InlineData("pip/18.0")]
    [InlineData("pip/18.0 ")]
    [InlineData("pip/18.0 not json")]
    [InlineData("pip/18.0 [1, 2]")]
    [InlineData("pip/18.0 \"text\"")]
    [InlineData("pip/18.0 null")]
    [InlineData("pip/18.0 {\"installer\":\"pip\"}")]
    [InlineData("pip/18.0 {\"distro\":{\"libc\":[\"glibc\"]}}")]
    [InlineData("pip/18.0 {\"python\":{\"version\":\"3\"}}")]
    [InlineData("pip/18.0 {\"cpu\":\"x\"")]
    [InlineData("pip/experiment-package-gateway")]
    [InlineData("pip/18.0{\"cpu\":\"x\"}")]
    [InlineData("uv/not-a-version")]
    [InlineData("uv/0.1.21 {\"installer\":{\"name\":\"uv\",\"version\":\"0.1.21\"}}")]
    [InlineData("uv/0.1.22rc1 {\"installer\":{\"name\":\"uv\"}}")]
    [InlineData("Hatch/1.0 no json here")]
    [InlineData("Hatch/1.0 } backwards {")]
    public void Malformed_or_out_of_range_installer_agents_are_unknown(string userAgent) => AssertUnknown(userAgent);

    [Theory]
    [InlineData("pip/6.0 {}")]
    [InlineData("pip/6.0.post1 {}")]
    [InlineData("pip/v6 {}")]
    [InlineData("pip/1!1.0 {}")] // a later epoch beats any release number
    [InlineData("pip/24.1.dev0+local {}")]
    [InlineData("uv/0.1.22 {}")]
    [InlineData("uv/0.2 {}")]
    public void Version_gates_follow_PEP_440(string userAgent) => AssertKnown(new InstallerDetails(), userAgent);

    [Fact]
    public void Pip_JSON_may_follow_any_run_of_whitespace() =>
        AssertKnown(new InstallerDetails(Cpu: "arm64"), "pip/24.0 \t {\"cpu\":\"arm64\"}");

    [Fact]
    public void White_space_means_what_it_means_in_Python()
    {
        // Python's str.split() and re's \s also treat U+001C..U+001F as white space.
        AssertKnown(new InstallerDetails(Cpu: "x"), "pip/18.0\u001F{\"cpu\":\"x\"}");
        AssertUnknown("pex/1\u001F.4.5");
        AssertUnknown("twine/4.0\u001F CPython/3.9.16");
        AssertKnown(Named("pex", "2.1.0"), "x\u00A0pex/2.1.0");
    }

    [Fact]
    public void JSON_values_are_read_the_way_linehaul_structures_them()
    {
        // Numbers and booleans in string fields become their Python str(); ci takes truthiness;
        // unknown keys are ignored; a repeated key keeps its last value; null parts stay null.
        AssertKnown(
            new InstallerDetails(
                Installer: new Installer("pip", null),
                Python: "3.1",
                Implementation: new Implementation("CPython", "3"),
                Distro: new Distro(null, null, "True", null),
                Cpu: "b",
                Ci: true),
            """pip/20.0 {"installer":{"name":"pip"},"python":3.10,"implementation":{"name":"CPython","version":3},"distro":{"id":true,"libc":null},"cpu":"a","cpu":"b","ci":1,"extra":{"x":[1,2]}}""");

        AssertKnown(new InstallerDetails(Ci: false), """pip/20.0 {"ci":""}""");
        AssertKnown(new InstallerDetails(Ci: false), """pip/20.0 {"ci":0}""");
        AssertKnown(new InstallerDetails(Ci: true), """pip/20.0 {"ci":"false"}""");
        AssertKnown(new InstallerDetails(Installer: new Installer()), """pip/20.0 {"installer":{}}""");
    }

    [Fact]
    public void Hatch_JSON_with_spaces_in_values_is_read()
    {
        AssertKnown(
            new InstallerDetails(Installer: new Installer("hatch", "1.15.0"), OpensslVersion: "OpenSSL 3.0.2 15 Mar 2022"),
            """Hatch/1.15.0 {"installer":{"name":"hatch","version":"1.15.0"},"openssl_version":"OpenSSL 3.0.2 15 Mar 2022"} HTTPX/0.27.0""");
    }

    [Fact]
    public void Poetry_with_an_empty_system_release_records_null()
    {
        AssertKnown(
            new InstallerDetails(
                Installer: new Installer("poetry", "1.3.2"),
                Implementation: new Implementation("CPython", "3.11.2"),
                System: new SystemInfo("Linux", null)),
            "poetry/1.3.2 CPython/3.11.2 Linux/");
    }

    [Fact]
    public void Unanchored_patterns_match_anywhere_as_in_linehaul()
    {
        AssertKnown(Named("pex", "2.1.0"), "my-build-tool pex/2.1.0");
        AssertKnown(Named("devpi", "6.9.2"), "something devpi-server/6.9.2 (py3.11.2; linux)");
        AssertKnown(Named("Nexus", "3.61.0-02"), "Nexus/3.61.0-02");
    }

    [Fact]
    public void Twine_takes_the_last_name_version_pair_as_the_interpreter()
    {
        AssertKnown(
            new InstallerDetails(Installer: new Installer("twine", "5.0.0"), Implementation: new Implementation("CPython/x", "3.12.1")),
            "twine/5.0.0 requests/2.31.0 CPython/x/3.12.1");
    }

    // ---- garbage and hostile input ----

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\u0000\u0001\u0002")]
    [InlineData("💩")]
    [InlineData("}{")]
    [InlineData("////")]
    [InlineData("Twine/4.0.2 CPython/3.9.16")] // names are case-sensitive outside the browser list
    public void Garbage_is_unknown(string userAgent) => AssertUnknown(userAgent);

    [Fact]
    public void Agents_over_the_length_cap_are_unknown_without_being_examined()
    {
        var padded = "pip/23.2.1 {\"cpu\":\"" + new string('x', UserAgentParser.MaxLength) + "\"}";
        AssertUnknown(padded);
        AssertUnknown("Mozilla/5.0 " + new string('a', 1_000_000));
        AssertUnknown(new string('(', 1_000_000));

        var justUnder = "pip/23.2.1 {\"cpu\":\"" + new string('x', UserAgentParser.MaxLength - 21) + "\"}";
        Assert.Equal(UserAgentParser.MaxLength, justUnder.Length);
        Assert.NotNull(UserAgentParser.Parse(justUnder).Details);
    }

    public static TheoryData<string> Hostile => new()
    {
        // Shapes that make backtracking matchers explode on the installer patterns.
        "twine/1 " + string.Concat(Enumerable.Repeat("a/", 2000)),
        "twine/1" + string.Concat(Enumerable.Repeat(" a", 2000)) + " b",
        "pip/1.4 " + new string('/', 4000),
        "pip/1.4 " + string.Concat(Enumerable.Repeat("a/", 1000)) + " " + string.Concat(Enumerable.Repeat("b/", 990)),
        "poetry/1 " + string.Concat(Enumerable.Repeat("a/b ", 1000)),
        "Bazel/release" + new string(' ', 4000) + "x",
        "Homebrew/1 (Macintosh; Intel macOS " + new string('1', 4000),
        "pip/18.0 " + new string('[', 4000),
        "pip/18.0 " + string.Concat(Enumerable.Repeat("{\"a\":", 800)),
        "Hatch/1 " + new string('{', 2000) + new string('}', 2000),
        "Pingdom.com_bot_version_" + new string('1', 4000),
        new string(' ', 4096),
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Hostile_input_under_the_cap_is_cheap(string userAgent)
    {
        Assert.True(userAgent.Length <= UserAgentParser.MaxLength);
        UserAgentParser.Parse(userAgent); // warm up pattern construction
        var timer = Stopwatch.StartNew();
        for (var i = 0; i < 10; i++) UserAgentParser.Parse(userAgent);
        Assert.True(timer.Elapsed < TimeSpan.FromSeconds(2), $"10 parses took {timer.Elapsed}");
    }
}
