using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cheeseshop.Tests.Downloads;
using Cheeseshop.Tests.Infrastructure;

namespace Cheeseshop.Tests.Health;

/// <summary>`cheeseshop doctor` on a server's data directory and settings: zero on a healthy one, one line per
/// check, and non-zero with the fix when the IP-hash key is readable by others or the mail relay does not
/// answer.</summary>
public sealed class DoctorTests(ServerFixture servers, ITestOutputHelper output) : EndToEndTest(servers, output)
{
    [Theory]
    [InlineData(Database.Sqlite)]
    [InlineData(Database.Postgres)]
    public async Task Doctor_passes_a_healthy_data_dir_and_fails_a_key_file_others_can_read(Database database)
    {
        await using var server = await CheeseshopServer.StartAsync(database);
        Watch(server);
        // The doctor reads the country database's build date itself; the server needs no restart for that.
        Directory.CreateDirectory(Path.Combine(server.DataDir, "geoip"));
        await File.WriteAllBytesAsync(Path.Combine(server.DataDir, "geoip", "country.mmdb"), TestCountryDatabase.Build(("203.0.113.0/24", "NL")));
        var healthy = Logged(await server.RunCliAsync("doctor"));
        AssertEqual(0, healthy.ExitCode, "doctor's exit code on a healthy data directory");
        foreach (var check in new[] { "configuration", "database", "storage", "downloads", "ip-hash key", "country database", "mail" })
            Assert.Matches($@"(?m)^ok\s+{check}\s", healthy.Stdout);
        Assert.Contains("mode 0600", healthy.Stdout);
        Assert.Contains("outbox", healthy.Stdout);
        Assert.Matches(@"(?m)^Healthy\.$", healthy.Stdout);

        var key = Path.Combine(server.DataDir, "secrets", "ip-hash.key");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        try
        {
            var loose = Logged(await server.RunCliAsync("doctor"));
            AssertEqual(1, loose.ExitCode, "doctor's exit code with a key file of mode 0644");
            Assert.Matches($@"(?m)^FAIL\s+ip-hash key\s+.*mode 0644.*-> chmod 600 {System.Text.RegularExpressions.Regex.Escape(key)}$", loose.Stdout);
            Assert.Matches(@"(?m)^1 problem\(s\) to fix", loose.Stdout);
        }
        finally
        {
            File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        AssertEqual(0, (await server.RunCliAsync("doctor")).ExitCode, "doctor's exit code once the key is 0600 again");
    }

    [Fact]
    public async Task Doctor_connects_to_the_mail_relay_when_one_is_set()
    {
        var port = LoopbackPorts.Free();
        await using var server = await CheeseshopServer.StartAsync(Database.Sqlite, settings: new Dictionary<string, string>
        {
            ["CHEESESHOP_Mail__Host"] = "127.0.0.1",
            ["CHEESESHOP_Mail__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CHEESESHOP_Mail__UseTls"] = "false",
        });
        Watch(server);
        var closed = Logged(await server.RunCliAsync("doctor"));
        AssertEqual(1, closed.ExitCode, "doctor's exit code when nothing listens at the relay's port");
        Assert.Matches($@"(?m)^FAIL\s+mail\s+cannot connect to 127\.0\.0\.1:{port}.*-> check Mail__Host", closed.Stdout);

        // A real SMTP server: Python's standard-library debugging server (Python 3.11).
        var psi = new ProcessStartInfo("/usr/bin/python3", ["-W", "ignore", "-u", "-m", "smtpd", "-n", "-c", "DebuggingServer", $"127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var smtp = Process.Start(psi)!;
        try
        {
            await WaitForPortAsync(port);
            var open = Logged(await server.RunCliAsync("doctor"));
            AssertEqual(0, open.ExitCode, "doctor's exit code with the relay answering");
            Assert.Matches($@"(?m)^ok\s+mail\s+connected to 127\.0\.0\.1:{port}", open.Stdout);
        }
        finally
        {
            smtp.Kill();
            await smtp.WaitForExitAsync();
        }
    }


    private async Task WaitForPortAsync(int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
            catch (SocketException e)
            {
                Fail($"the SMTP server did not listen on {port} within 15 s: {e.Message}");
            }
        }
    }
}
