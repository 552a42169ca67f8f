using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Cheeseshop.Tests.Infrastructure;
using Npgsql;

namespace Cheeseshop.Tests.Harness;

/// <summary>
/// The test machinery on its own, without the server: when these fail, the machine or the harness
/// is broken, not Cheeseshop.
/// </summary>
public sealed class HarnessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PostgreSQL_test_databases_are_created_and_dropped()
    {
        var (name, connectionString) = await TestPostgres.CreateDatabaseAsync();
        try
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("select current_database()", conn);
            Assert.Equal(name, await cmd.ExecuteScalarAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await TestPostgres.DropDatabaseAsync(name);
        }
        await using var admin = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(TestPostgres.AdminConnectionString) { Database = "postgres" }.ConnectionString);
        await admin.OpenAsync();
        await using var exists = new NpgsqlCommand("select count(*) from pg_database where datname = @n", admin);
        exists.Parameters.AddWithValue("n", name);
        Assert.Equal(0L, await exists.ExecuteScalarAsync());
    }

    [Fact]
    public void The_server_binary_is_found()
    {
        output.WriteLine(ServerBinary.Path);
        Assert.True(File.Exists(ServerBinary.Path));
    }

    [Fact]
    public async Task Fixtures_build_into_an_sdist_and_a_wheel_with_the_templated_metadata()
    {
        var built = await PythonTools.BuildAsync("cheese-alpha", "2.0b1", "-harness");
        output.WriteLine(string.Join("\n", built.Files));
        Assert.Equal("cheese-alpha-harness", built.ProjectName);
        Assert.Equal("cheese-alpha-harness-2.0b1.tar.gz", Path.GetFileName(built.Sdist));
        Assert.Equal("cheese_alpha_harness-2.0b1-py3-none-any.whl", Path.GetFileName(built.Wheel));

        var metadata = ReadWheelMetadata(built.Wheel);
        Assert.Contains("Name: cheese-alpha-harness\n", metadata);
        Assert.Contains("Version: 2.0b1\n", metadata);
        Assert.Contains("Requires-Python: >=3.7\n", metadata);

        // Same arguments, same files; another marker, another file of the same name.
        Assert.Same(built, await PythonTools.BuildAsync("cheese-alpha", "2.0b1", "-harness"));
        var other = await PythonTools.BuildAsync("cheese-alpha", "2.0b1", "-harness", new Dictionary<string, string> { ["MARKER"] = "x" });
        Assert.Equal(Path.GetFileName(built.Wheel), Path.GetFileName(other.Wheel));
        Assert.NotEqual(File.ReadAllBytes(built.Wheel), File.ReadAllBytes(other.Wheel));

        var beta = await PythonTools.BuildAsync("cheese-beta", "1.0", "-harness");
        Assert.Contains("Requires-Dist: cheese-alpha-harness (>=1.0)", ReadWheelMetadata(beta.Wheel)); // setuptools 66 writes the old form
        var legacy = await PythonTools.BuildAsync("cheese-legacy", "1.0", "-harness");
        Assert.Contains("Requires-Python: <3\n", ReadWheelMetadata(legacy.Wheel));
    }

    /// <summary>
    /// pip in a test venv installs from a static PEP 503 index (python -m http.server) and nothing else,
    /// and behaves as the end-to-end tests expect for Requires-Python and yanked files.
    /// </summary>
    [Fact]
    public async Task Pip_in_a_test_venv_installs_from_a_static_index_only()
    {
        var root = TempPaths.NewDirectory("static-index");
        try
        {
            var v10 = await PythonTools.BuildAsync("cheese-alpha", "1.0", "-static");
            var v11 = await PythonTools.BuildAsync("cheese-alpha", "1.1", "-static");
            var legacy = await PythonTools.BuildAsync("cheese-legacy", "1.0", "-static");
            WriteProjectPage(root, "cheese-alpha-static",
                (v10.Wheel, ">=3.7", null), (v11.Wheel, ">=3.7", "broken on purpose"));
            WriteProjectPage(root, "cheese-legacy-static", (legacy.Wheel, "<3", null));

            var port = LoopbackPorts.Free();
            using var server = StartStaticServer(root, port);
            var index = $"http://127.0.0.1:{port}/simple/";
            await WaitForPortAsync(port, server.Process);

            using var venv = await PythonTools.CreateVenvAsync();
            var plain = await venv.PipInstallAsync(index, "cheese-alpha-static");
            output.WriteLine(plain.ToString());
            Assert.True(plain.Succeeded, plain.ToString());
            Assert.Equal("1.0", await venv.InstalledVersionAsync("cheese-alpha-static")); // 1.1 is yanked

            var pinned = await venv.PipInstallAsync(index, "cheese-alpha-static==1.1");
            output.WriteLine(pinned.ToString());
            Assert.True(pinned.Succeeded, pinned.ToString());
            Assert.Contains("broken on purpose", pinned.Output);
            Assert.Equal("1.1", (await venv.ImportAsync("cheese_alpha")).Stdout.Trim());

            var py2 = await venv.PipInstallAsync(index, "cheese-legacy-static");
            output.WriteLine(py2.ToString());
            Assert.False(py2.Succeeded);
            Assert.Contains("require a different python version", py2.Output);

            // Nothing but the given index: a project only on the machine's own wheel folders is not found.
            var elsewhere = await venv.PipInstallAsync(index, "setuptools-scm");
            output.WriteLine(elsewhere.ToString());
            Assert.False(elsewhere.Succeeded);
            Assert.DoesNotContain("Looking in links", elsewhere.Output);
        }
        finally
        {
            TempPaths.TryDelete(root);
        }
    }

    private static string ReadWheelMetadata(string wheel)
    {
        using var zip = ZipFile.OpenRead(wheel);
        var entry = zip.Entries.Single(e => e.FullName.EndsWith(".dist-info/METADATA", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    private static void WriteProjectPage(string root, string project, params (string File, string RequiresPython, string? Yanked)[] files)
    {
        var dir = Path.Combine(root, "simple", project);
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(Path.Combine(root, "files"));
        var html = new StringBuilder("<!DOCTYPE html><html><body>\n");
        foreach (var (file, requiresPython, yanked) in files)
        {
            var name = Path.GetFileName(file);
            File.Copy(file, Path.Combine(root, "files", name), overwrite: true);
            var sha = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))).ToLowerInvariant();
            html.Append($"<a href=\"../../files/{name}#sha256={sha}\" data-requires-python=\"{WebUtility.HtmlEncode(requiresPython)}\"");
            if (yanked != null) html.Append($" data-yanked=\"{WebUtility.HtmlEncode(yanked)}\"");
            html.Append($">{name}</a>\n");
        }
        html.Append("</body></html>\n");
        File.WriteAllText(Path.Combine(dir, "index.html"), html.ToString());
    }

    private static KillOnDispose StartStaticServer(string root, int port)
    {
        var psi = new ProcessStartInfo(PythonTools.DebianPython)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "-m", "http.server", "--bind", "127.0.0.1", "--directory", root, port.ToString() })
            psi.ArgumentList.Add(a);
        var process = Process.Start(psi)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new KillOnDispose(process);
    }

    private static async Task WaitForPortAsync(int port, Process process)
    {
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited) throw new InvalidOperationException("python -m http.server exited");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"python -m http.server did not listen on {port}");
    }


    private sealed class KillOnDispose(Process process) : IDisposable
    {
        public Process Process { get; } = process;

        public void Dispose()
        {
            try { if (!Process.HasExited) Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            Process.WaitForExit(5000);
            Process.Dispose();
        }
    }
}
