using Spectre.Console;
using Spectre.Console.Rendering;

namespace Cheeseshop.Hosting;

/// <summary>One step of a long admin verb: what it is at, how many of how many done so far.</summary>
public readonly record struct ProgressStep(string Step, long Done = 0, long? Total = null);

/// <summary>
/// Where long work reports its steps (backup, restore, retention, rollup, export, disclosure packages).
/// One per container; nothing listens inside the server, so a report there costs a null check. An admin
/// verb that shows progress sets <see cref="Sink"/> for the time it runs (<see cref="CliProgress"/>).
/// </summary>
public sealed class StepReporter
{
    public IProgress<ProgressStep>? Sink { get; set; }

    public void Report(string step, long done = 0, long? total = null) => Sink?.Report(new ProgressStep(step, done, total));
}

/// <summary>
/// Progress of an admin verb on stderr (stdout keeps the verb's result for scripts): on a terminal a bar per
/// step with counts and rate (Spectre.Console); otherwise, as under cron or systemd, one line per step
/// and, for a counted step, a line now and then, so a log shows where it stopped.
/// </summary>
public static class CliProgress
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(5);

    public static async Task<T> RunAsync<T>(IServiceProvider services, string verb, Func<Task<T>> work)
    {
        var reporter = services.GetRequiredService<StepReporter>();
        if (Console.IsErrorRedirected)
        {
            reporter.Sink = new LineProgress(verb, Console.Error, services.GetRequiredService<TimeProvider>());
            try { return await work(); }
            finally { reporter.Sink = null; }
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        await console.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new CountColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var bars = new BarProgress(ctx, verb);
                reporter.Sink = bars;
                try { result = await work(); }
                finally
                {
                    reporter.Sink = null;
                    bars.Finish();
                }
            });
        return result;
    }

    /// <summary>A line when the step changes, and every few seconds within a counted step.</summary>
    private sealed class LineProgress(string verb, TextWriter output, TimeProvider clock) : IProgress<ProgressStep>
    {
        private string? _step;
        private DateTimeOffset _last;

        public void Report(ProgressStep value)
        {
            var now = clock.GetUtcNow();
            if (value.Step == _step && now - _last < LineInterval && value.Done != value.Total) return;
            _step = value.Step;
            _last = now;
            output.WriteLine(value.Done == 0 && value.Total is null ? $"{verb}: {value.Step}"
                : $"{verb}: {value.Step} {value.Done:N0}{(value.Total is { } t ? $"/{t:N0}" : "")}");
        }
    }

    /// <summary>A bar per step; a step without a total shows its count and rate on an indeterminate bar.</summary>
    private sealed class BarProgress(ProgressContext ctx, string verb) : IProgress<ProgressStep>
    {
        private readonly Dictionary<string, ProgressTask> _tasks = new(StringComparer.Ordinal);
        private ProgressTask? _current;

        public void Report(ProgressStep value)
        {
            if (!_tasks.TryGetValue(value.Step, out var task))
            {
                Complete(_current);
                task = ctx.AddTask(Markup.Escape($"{verb}: {value.Step}"), maxValue: value.Total ?? 1);
                _tasks[value.Step] = task;
            }
            _current = task;
            task.IsIndeterminate = value.Total is null;
            if (value.Total is { } total) task.MaxValue = Math.Max(total, 1);
            task.Value = value.Total is null ? 0 : value.Done;
            task.State.Update<long>("done", _ => value.Done);
            ctx.Refresh();
        }

        public void Finish()
        {
            foreach (var task in _tasks.Values) Complete(task);
        }

        private static void Complete(ProgressTask? task)
        {
            if (task is null || task.IsFinished) return;
            task.IsIndeterminate = false;
            task.Value = task.MaxValue;
            task.StopTask();
        }
    }

    /// <summary>"1,234/5,000 (310/s)": the count done, of the total when known, and its rate.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime)
        {
            var done = task.State.Get<long>("done");
            var total = task.IsIndeterminate ? "" : $"/{task.MaxValue:N0}";
            var rate = task.ElapsedTime is { TotalSeconds: > 0.5 } elapsed && done > 0 ? $" ({done / elapsed.TotalSeconds:N0}/s)" : "";
            return new Text($"{done:N0}{total}{rate}");
        }
    }
}
