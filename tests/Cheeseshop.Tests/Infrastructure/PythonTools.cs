using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>Which Python a virtual environment is made from.</summary>
public enum PythonFlavor
{
    /// <summary>Debian's /usr/bin/python3 (3.11.2, pip 23.0.1).</summary>
    Debian,

    /// <summary>The python3 first on PATH when it is not Debian's (here pyenv's 3.11.7, pip 23.2.1).</summary>
    PathPython,
}

/// <summary>An sdist and a wheel built from one fixture.</summary>
public sealed record BuiltProject(string ProjectName, string Version, string Sdist, string Wheel)
{
    public IReadOnlyList<string> Files => [Sdist, Wheel];
}

/// <summary>
/// The real Python tools the index serves: setuptools' build backend, twine and pip, run as child processes
/// with an environment that can only reach the index under test.
/// </summary>
public static partial class PythonTools
{
    public const string DebianPython = "/usr/bin/python3";
    public const string Twine = "/usr/bin/twine";

    private static readonly ConcurrentDictionary<string, Lazy<Task<BuiltProject>>> Builds = new();
    private static readonly ConcurrentDictionary<PythonFlavor, Lazy<Task<string>>> TemplateVenvs = new();
    private static readonly Lazy<Task<string>> LazyPathPython = new(FindPathPythonAsync);

    public static string FixturesDir => Path.Combine(RepositoryRoot.Path, "tests", "fixtures");

    /// <summary>
    /// Variables that would let pip or twine look anywhere but the index under test, or read the machine's
    /// configuration: all removed from the children's environment.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> IsolatedEnvironment()
    {
        var env = new Dictionary<string, string?>();
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
        {
            if (key.StartsWith("PIP_", StringComparison.Ordinal) || key.StartsWith("TWINE_", StringComparison.Ordinal)
                || key is "PYTHONPATH" or "PYTHONHOME" or "VIRTUAL_ENV" or "PYTHONUSERBASE" or "PYTHONSTARTUP")
                env[key] = null;
        }
        env["PIP_CONFIG_FILE"] = "/dev/null";     // no /etc/pip.conf or ~/.config/pip: only the flags we pass
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
        env["PIP_NO_INPUT"] = "1";
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"; // twine: never ask a keyring
        env["PYTHONNOUSERSITE"] = "1";
        env["PYTHONUTF8"] = "1";
        env["NO_COLOR"] = "1";
        env["COLUMNS"] = "500";                   // rich (twine, pip) wraps at 80 columns otherwise, splitting messages
        return env;
    }

    /// <summary>
    /// Copies tests/fixtures/<paramref name="fixture"/> to a temporary folder, replaces the tokens
    /// (@VERSION@, @SUFFIX@, @REQUIRES_PYTHON@, @MARKER@ and any in <paramref name="tokens"/>) and builds an sdist and a
    /// wheel with setuptools' PEP 517 hooks as <c>/usr/bin/python3 -m build --no-isolation</c> calls them
    /// (<see cref="FixtureBuilder"/>). The same arguments give the same files (cached),
    /// so an identical re-upload really is identical; pass a different @MARKER@ for a different file of the same name.
    /// </summary>
    public static Task<BuiltProject> BuildAsync(string fixture, string version, string suffix,
        IReadOnlyDictionary<string, string>? tokens = null)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["VERSION"] = version,
            ["SUFFIX"] = suffix,
            ["REQUIRES_PYTHON"] = ">=3.7",
            ["MARKER"] = $"{fixture}{suffix}-{version}",
        };
        if (tokens != null)
            foreach (var (k, v) in tokens) all[k.Trim('@')] = v;
        var key = fixture + "|" + string.Join("|", all.Select(kv => kv.Key + "=" + kv.Value));
        return Builds.GetOrAdd(key, _ => new Lazy<Task<BuiltProject>>(() => BuildCoreAsync(fixture, all))).Value;
    }

    private static async Task<BuiltProject> BuildCoreAsync(string fixture, IReadOnlyDictionary<string, string> tokens)
    {
        var source = Path.Combine(FixturesDir, fixture);
        if (!Directory.Exists(source)) throw new DirectoryNotFoundException($"No fixture {source}");
        var work = TempPaths.NewDirectory("build-" + fixture);
        var src = Path.Combine(work, "src");
        var dist = Path.Combine(work, "dist");
        CopyTemplated(source, src, tokens);

        Directory.CreateDirectory(dist);
        var (sdist, wheel) = await FixtureBuilder.BuildAsync(src, dist, Path.Combine(work, "build.log"));
        var name = ProjectNameRegex().Match(File.ReadAllText(Path.Combine(src, "pyproject.toml"))).Groups[1].Value;
        return new BuiltProject(name, tokens["VERSION"], sdist, wheel);
    }

    private static void CopyTemplated(string from, string to, IReadOnlyDictionary<string, string> tokens)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(p => p is "build" or "dist" or "__pycache__" || p.EndsWith(".egg-info")))
                continue;
            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var text = File.ReadAllText(file);
            foreach (var (k, v) in tokens) text = text.Replace("@" + k + "@", v);
            var left = TokenRegex().Match(text);
            if (left.Success)
                throw new InvalidOperationException($"Fixture file {file} has the token {left.Value}, which no value was given for.");
            File.WriteAllText(target, text);
        }
    }

    /// <summary>
    /// <c>twine --no-color upload --repository-url URL -u USER -p PASSWORD --non-interactive --disable-progress-bar EXTRA... FILES...</c>
    /// </summary>
    public static Task<ProcessResult> TwineUploadAsync(string repositoryUrl, string username, string password,
        IEnumerable<string> files, params string[] extraArgs)
    {
        var args = new List<string>
        {
            "--no-color", "upload", "--repository-url", repositoryUrl, "-u", username, "-p", password,
            "--non-interactive", "--disable-progress-bar",
        };
        args.AddRange(extraArgs);
        args.AddRange(files);
        return ProcessRunner.RunAsync(Twine, args, IsolatedEnvironment(), workingDirectory: TempPaths.Root,
            timeout: TimeSpan.FromMinutes(3));
    }

    /// <summary>A fresh virtual environment (a linked copy of one made once per run with <c>python -m venv</c>).</summary>
    public static async Task<Venv> CreateVenvAsync(PythonFlavor flavor = PythonFlavor.Debian)
    {
        var template = await TemplateVenvs.GetOrAdd(flavor, f => new Lazy<Task<string>>(() => CreateTemplateVenvAsync(f))).Value;
        var dir = Path.Combine(TempPaths.NewDirectory("venv"), "env");
        // cp -a keeps bin/python's symlink; every command runs bin/python -m ..., so the copied scripts' shebangs don't matter.
        // -l links the files instead of copying them: pip and Python replace or remove files (a rename, an unlink)
        // and never write into one in place, so the template's copy of a file is never changed through a venv.
        var copy = await ProcessRunner.RunAsync("cp", ["-al", template, dir], timeout: TimeSpan.FromMinutes(1));
        if (!copy.Succeeded) throw new InvalidOperationException($"Copying the template venv failed.\n{copy}");
        return new Venv(dir, flavor);
    }

    private static async Task<string> CreateTemplateVenvAsync(PythonFlavor flavor)
    {
        var python = flavor == PythonFlavor.Debian ? DebianPython : await LazyPathPython.Value;
        var dir = Path.Combine(TempPaths.NewDirectory("venv-template-" + flavor.ToString().ToLowerInvariant()), "env");
        var result = await ProcessRunner.RunAsync(python, ["-m", "venv", dir], IsolatedEnvironment(), timeout: TimeSpan.FromMinutes(3));
        if (!result.Succeeded) throw new InvalidOperationException($"Creating a venv with {python} failed.\n{result}");
        return dir;
    }

    /// <summary>The interpreter behind the first python3 on PATH (resolving pyenv's shim), if it is not Debian's.</summary>
    public static Task<string> PathPythonAsync() => LazyPathPython.Value;

    private static async Task<string> FindPathPythonAsync()
    {
        var result = await ProcessRunner.RunAsync("python3", ["-c", "import sys; print(sys.executable)"], IsolatedEnvironment());
        var exe = result.Stdout.Trim();
        if (!result.Succeeded || exe.Length == 0)
            throw new InvalidOperationException($"No python3 on PATH.\n{result}");
        return exe;
    }

    /// <summary>
    /// The pip wheel bundled with a Python's ensurepip (a real wheel nobody here built): PATH's python3 first,
    /// Debian's copy in /usr/share/python-wheels otherwise.
    /// </summary>
    public static async Task<string> BundledPipWheelAsync()
    {
        var result = await ProcessRunner.RunAsync("python3",
            ["-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"], IsolatedEnvironment());
        var folders = new List<string>();
        if (result.Succeeded) folders.Add(Path.Combine(result.Stdout.Trim(), "_bundled"));
        folders.Add("/usr/share/python-wheels");
        foreach (var folder in folders.Where(Directory.Exists))
        {
            var wheel = Directory.GetFiles(folder, "pip-*-py3-none-any.whl").OrderBy(f => f, StringComparer.Ordinal).LastOrDefault();
            if (wheel != null) return wheel;
        }
        throw new FileNotFoundException($"No bundled pip wheel in {string.Join(" or ", folders)}.\n{result}");
    }

    /// <summary>The version in a wheel's filename: pip-23.2.1-py3-none-any.whl -> 23.2.1.</summary>
    public static string WheelVersion(string wheelPath) => Path.GetFileName(wheelPath).Split('-')[1];

    [GeneratedRegex(@"@[A-Z][A-Z_]*@")]
    private static partial Regex TokenRegex();

    [GeneratedRegex(@"(?m)^name\s*=\s*""([^""]+)""")]
    private static partial Regex ProjectNameRegex();
}

/// <summary>A virtual environment of one test; its pip only ever sees the index it is given.</summary>
public sealed class Venv(string dir, PythonFlavor flavor) : IDisposable
{
    public string Dir { get; } = dir;
    public PythonFlavor Flavor { get; } = flavor;
    public string Python => Path.Combine(Dir, "bin", "python");

    /// <summary>
    /// <c>python -m pip install --index-url INDEX --retries 0 --no-cache-dir --disable-pip-version-check ARGS...</c>
    /// </summary>
    public Task<ProcessResult> PipInstallAsync(string indexUrl, params string[] args)
    {
        var all = new List<string>
        {
            "-m", "pip", "install", "--index-url", indexUrl, "--retries", "0", "--timeout", "30",
            "--no-cache-dir", "--disable-pip-version-check", "--no-input",
        };
        all.AddRange(args);
        return ProcessRunner.RunAsync(Python, all, PythonTools.IsolatedEnvironment(), workingDirectory: Dir,
            timeout: TimeSpan.FromMinutes(4));
    }

    public Task<ProcessResult> PipAsync(params string[] args) =>
        ProcessRunner.RunAsync(Python, new[] { "-m", "pip" }.Concat(args), PythonTools.IsolatedEnvironment(),
            workingDirectory: Dir, timeout: TimeSpan.FromMinutes(4));

    /// <summary>Runs <c>python -c CODE</c> in the venv.</summary>
    public Task<ProcessResult> RunPythonAsync(string code) =>
        ProcessRunner.RunAsync(Python, ["-c", code], PythonTools.IsolatedEnvironment(), workingDirectory: Dir,
            timeout: TimeSpan.FromMinutes(2));

    /// <summary>The installed version of a distribution per importlib.metadata, or null when it is not installed.</summary>
    public async Task<string?> InstalledVersionAsync(string distribution)
    {
        var result = await RunPythonAsync(
            "import importlib.metadata as m\n" +
            "try:\n    print(m.version(" + PyString(distribution) + "))\n" +
            "except m.PackageNotFoundError:\n    print('<none>')\n");
        if (!result.Succeeded) throw new InvalidOperationException($"Asking the venv for {distribution}'s version failed.\n{result}");
        var v = result.Stdout.Trim();
        return v == "<none>" ? null : v;
    }

    /// <summary>Imports <paramref name="module"/> and returns what <paramref name="expression"/> evaluates to (printed).</summary>
    public Task<ProcessResult> ImportAsync(string module, string expression = "__version__") =>
        RunPythonAsync($"import {module}; print({module}.{expression})");

    public void Dispose() => TempPaths.TryDelete(Path.GetDirectoryName(Dir)!);

    private static string PyString(string s) => "'" + s.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}
