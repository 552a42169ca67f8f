using System.Diagnostics;
using System.Text;
using Cheeseshop.Hosting;

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>
/// Runs an admin verb (<c>cheeseshop VERB ...</c>) inside the test process: the same CommandLine, services
/// and database as the executable, without a process start and a fresh JIT (about a second of CPU each).
/// Standard input, output and error are the command's own: Console is routed per async flow, so tests that
/// run in parallel never see each other's output. Tests of the program as a process (exit codes of the real
/// executable, what it leaves on disk) use <see cref="CheeseshopServer.RunCliProcessAsync"/>.
/// </summary>
public static class InProcessCli
{
    /// <param name="settings">CHEESESHOP_* variables as a child process would get them (null: unset).</param>
    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string?> settings,
        string? stdin = null)
    {
        var arguments = args.ToArray();
        var streams = new Streams(new StringReader(stdin ?? ""));
        var stopwatch = Stopwatch.StartNew();
        int code;
        var route = ConsoleRouting.Route(streams.Out, streams.Error, streams.Input);
        try
        {
            code = await Task.Run(() => CommandLine.RunAsync(arguments, Settings(settings)));
        }
        catch (Exception e)
        {
            // An unhandled exception ends the real program with a stack trace on stderr and a non-zero code.
            streams.Error.WriteLine($"Unhandled exception. {e}");
            code = 134;
        }
        finally
        {
            route.Dispose();
        }
        return new ProcessResult("cheeseshop (in-process) " + string.Join(' ', arguments.Select(Quote)), code,
            streams.OutText, streams.ErrorText, TimedOut: false, stopwatch.Elapsed);
    }

    /// <summary>CHEESESHOP_A__B=v becomes the setting A:B=v; an unset variable (null) is left out, and every
    /// CHEESESHOP_* variable of the test process itself is hidden, as it is from a child process.</summary>
    public static List<KeyValuePair<string, string?>> Settings(IReadOnlyDictionary<string, string?> settings)
    {
        var result = new List<KeyValuePair<string, string?>>();
        foreach (var key in Environment.GetEnvironmentVariables().Keys.Cast<string>())
            if (key.StartsWith("CHEESESHOP_", StringComparison.OrdinalIgnoreCase) && !settings.ContainsKey(key))
                result.Add(new(SettingName(key), null));
        foreach (var (key, value) in settings)
            if (key.StartsWith("CHEESESHOP_", StringComparison.OrdinalIgnoreCase))
                result.Add(new(SettingName(key), value));
        return result;
    }

    private static string SettingName(string variable) => variable["CHEESESHOP_".Length..].Replace("__", ":");

    private static string Quote(string a) => a.Length > 0 && !a.Any(char.IsWhiteSpace) ? a : $"'{a}'";

    private sealed class Streams
    {
        private readonly StringWriter _out = new(), _error = new();

        public Streams(StringReader input)
        {
            Input = input;
            Out = TextWriter.Synchronized(_out);
            Error = TextWriter.Synchronized(_error);
        }

        public StringReader Input { get; }
        public TextWriter Out { get; }
        public TextWriter Error { get; }
        // The synchronized writers lock themselves; reading under the same lock sees whole writes.
        public string OutText { get { lock (Out) return _out.ToString(); } }
        public string ErrorText { get { lock (Error) return _error.ToString(); } }
    }
}

/// <summary>
/// Console's standard streams, routed per async flow: code running in the test process for a command or a
/// server writes to that command's or server's own streams, whatever else runs in parallel. Where nothing is
/// routed, Console writes where it did before.
/// </summary>
public static class ConsoleRouting
{
    private sealed record Route3(TextWriter Out, TextWriter Error, TextReader In);

    private static readonly AsyncLocal<Route3?> Current = new();
    private static readonly Lock InstallGate = new();
    private static bool _installed;

    /// <summary>Routes Console for this flow and what it starts until the result is disposed.</summary>
    public static IDisposable Route(TextWriter output, TextWriter error, TextReader input)
    {
        Install();
        var previous = Current.Value;
        Current.Value = new Route3(output, error, input);
        return new Restore(previous);
    }

    private sealed class Restore(Route3? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }

    private static void Install()
    {
        lock (InstallGate)
        {
            if (_installed) return;
            Console.SetOut(new RoutedWriter(Console.Out, r => r.Out));
            Console.SetError(new RoutedWriter(Console.Error, r => r.Error));
            Console.SetIn(new RoutedReader(Console.In));
            _installed = true;
        }
    }

    private sealed class RoutedWriter(TextWriter fallback, Func<Route3, TextWriter> pick) : TextWriter
    {
        private TextWriter Target => Current.Value is { } r ? pick(r) : fallback;
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) => Target.Write(value);
        public override void Write(string? value) => Target.Write(value);
        public override void Write(char[] buffer, int index, int count) => Target.Write(buffer, index, count);
        public override void WriteLine(string? value) => Target.WriteLine(value);
        public override void WriteLine() => Target.WriteLine();
        public override void Flush() => Target.Flush();
    }

    private sealed class RoutedReader(TextReader fallback) : TextReader
    {
        private TextReader Source => Current.Value is { } r ? r.In : fallback;
        public override int Peek() => Source.Peek();
        public override int Read() => Source.Read();
        public override string? ReadLine() => Source.ReadLine();
        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => Source.ReadLineAsync(cancellationToken);
        public override Task<string?> ReadLineAsync() => Source.ReadLineAsync();
        public override string ReadToEnd() => Source.ReadToEnd();
    }
}
