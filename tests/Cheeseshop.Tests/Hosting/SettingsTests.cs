using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Hosting;

/// <summary>
/// Settings as an operator gives them (CHEESESHOP_* variables, --data-dir): an invalid value stops the
/// server and every admin verb at start, with a message naming the setting, before anything is written to
/// the data directory. The table runs the program's command line in the test process; the real executable
/// reads its variables in the last two tests (and in every test of a server in a process of its own).
/// </summary>
public sealed class SettingsTests
{
    public static TheoryData<string, string, string, string> InvalidSettings => new()
    {
        // verb, variable, value, what the message must say
        { "serve", "CHEESESHOP_Limits__MaxFileBytes", "0", "MaxFileBytes must be between 1" },
        { "serve", "CHEESESHOP_JournalPollMilliseconds", "abc", "'abc' at 'JournalPollMilliseconds'" },
        { "serve", "CHEESESHOP_Cache__MaxMegabytes", "0", "MaxMegabytes must be between 1 and 1048576" },
        { "serve", "CHEESESHOP_TrustedProxies__0", "not-an-address", "TrustedProxies: 'not-an-address' is not an IP address" },
        { "serve", "CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Url", "http://idp.example.com", "Auth:TrustedPublishing:Issuers:0:Url: 'http://idp.example.com' must be https" },
        { "retention", "CHEESESHOP_Auth__TrustedPublishing__Issuers__0__Kind", "bitbucket", "Auth:TrustedPublishing:Issuers:0:Kind: 'bitbucket' is not github, gitlab or generic" },
        { "serve", "CHEESESHOP_Upstream__Url", "ftp://mirror.example/simple/", "Url 'ftp://mirror.example/simple/' is not an http(s) URL" },
        { "serve", "CHEESESHOP_Upstream__CacheSeconds", "0", "CacheSeconds must be between 1" },
        { "serve", "CHEESESHOP_Projects__Create", "everyone", "'everyone'" },
        { "retention", "CHEESESHOP_Retention__bogus", "3", "Unknown retention class 'bogus'" },
        { "retention", "CHEESESHOP_Retention__user_events", "0", "'user_events' must be at least 1 day" },
        { "retention", "CHEESESHOP_Downloads__QueueCapacity", "0", "QueueCapacity must be between 1 and 10000000" },
        { "retention", "CHEESESHOP_Mail__Port", "70000", "Port must be between 1 and 65535" },
        { "retention", "CHEESESHOP_Disclosure__InstanceName", "two\nlines", "Disclosure:InstanceName must be 1 to 100 characters" },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public async Task An_invalid_setting_stops_the_program_at_start_and_names_itself(string verb, string variable, string value, string message)
    {
        var dataDir = Path.Combine(TempPaths.NewDirectory("settings"), "data");
        var args = verb == "serve" ? new[] { "serve", "--urls", "http://127.0.0.1:0" } : ["retention", "show"];
        var result = await InProcessCli.RunAsync([.. args, "--data-dir", dataDir], new Dictionary<string, string?> { [variable] = value });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: invalid configuration:", result.Stderr);
        Assert.Contains(message, result.Stderr);
        Assert.False(Directory.Exists(dataDir), "a refused configuration must not create the data directory");
    }

    [Fact]
    public async Task Half_an_S3_key_pair_stops_the_server()
    {
        var dataDir = Path.Combine(TempPaths.NewDirectory("settings"), "data");
        var result = await RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir], new()
        {
            ["CHEESESHOP_Storage__S3__Bucket"] = "cheese",
            ["CHEESESHOP_Storage__S3__AccessKey"] = "key-without-secret",
        });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Storage:S3: set both AccessKey and SecretKey, or neither", result.Stderr);
    }

    [Fact]
    public async Task An_S3_prefix_must_name_a_folder_of_its_own()
    {
        var dataDir = Path.Combine(TempPaths.NewDirectory("settings"), "data");
        var result = await RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data-dir", dataDir], new()
        {
            ["CHEESESHOP_Storage__S3__Bucket"] = "cheese",
            ["CHEESESHOP_Storage__S3__Prefix"] = "cheeseshop",
        });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Prefix 'cheeseshop' must end in '/'", result.Stderr);
    }

    [Fact]
    public async Task The_DataDir_setting_applies_unless_data_dir_is_given()
    {
        var root = TempPaths.NewDirectory("settings");
        var fromSetting = Path.Combine(root, "from-setting");
        var fromFlag = Path.Combine(root, "from-flag");
        var environment = new Dictionary<string, string?> { ["CHEESESHOP_DataDir"] = fromSetting };

        var bySetting = await RunAsync(["retention", "show"], environment, workingDirectory: root);
        Assert.True(bySetting.Succeeded, bySetting.ToString());
        Assert.True(File.Exists(Path.Combine(fromSetting, "cheeseshop.db")), "CHEESESHOP_DataDir names the data directory");

        var byFlag = await RunAsync(["retention", "show", "--data-dir", fromFlag], environment, workingDirectory: root);
        Assert.True(byFlag.Succeeded, byFlag.ToString());
        Assert.True(File.Exists(Path.Combine(fromFlag, "cheeseshop.db")), "--data-dir wins over the setting");
        Assert.False(Directory.Exists(Path.Combine(root, "data")), "neither run used the default ./data");
    }

    private static Task<ProcessResult> RunAsync(string[] args, Dictionary<string, string?> environment, string? workingDirectory = null)
    {
        // Settings of the test process itself (a PostgreSQL for other tests, say) stay out of these runs.
        environment.TryAdd("CHEESESHOP_Database__PostgreSQL", null);
        return ProcessRunner.RunAsync(ServerBinary.DotnetHost, [ServerBinary.Path, .. args], environment,
            workingDirectory: workingDirectory ?? TempPaths.NewDirectory("settings-cwd"), timeout: TimeSpan.FromMinutes(1));
    }
}
