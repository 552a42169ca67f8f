using Cheeseshop.Hosting;
using Cheeseshop.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Cheeseshop.Tests.Hosting;

/// <summary>The base of the background jobs, on a clock the test moves: when runs happen, with which time,
/// and that a failed run does not stop the next.</summary>
public sealed class PeriodicJobTests
{
    private sealed class RecordingJob(IServiceScopeFactory scopes, TimeProvider clock) : PeriodicJob(scopes, clock, NullLogger.Instance)
    {
        public readonly List<DateTime> Runs = [];
        protected override TimeSpan FirstDelay => TimeSpan.FromMinutes(1);
        protected override TimeSpan Period => TimeSpan.FromHours(1);
        protected override string FailureMessage => "the test job failed";

        protected override Task RunOnceAsync(IServiceProvider services, DateTime now, CancellationToken ct)
        {
            lock (Runs) Runs.Add(now);
            return Runs.Count == 2 ? throw new InvalidOperationException("the second run fails") : Task.CompletedTask;
        }

        public int Count { get { lock (Runs) return Runs.Count; } }
    }

    [Fact]
    public async Task Runs_after_the_first_delay_then_every_period_even_after_a_failure()
    {
        var start = new DateTimeOffset(2027, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(start);
        await using var services = new ServiceCollection().BuildServiceProvider();
        using var job = new RecordingJob(services.GetRequiredService<IServiceScopeFactory>(), clock);
        await job.StartAsync(CancellationToken.None);

        await Task.Delay(200);
        Assert.Equal(0, job.Count);
        clock.Advance(TimeSpan.FromMinutes(1));
        await UntilAsync(() => job.Count == 1);
        clock.Advance(TimeSpan.FromMinutes(59));
        await Task.Delay(200);
        Assert.Equal(1, job.Count);
        clock.Advance(TimeSpan.FromMinutes(1));
        await UntilAsync(() => job.Count == 2);
        clock.Advance(TimeSpan.FromHours(1));
        await UntilAsync(() => job.Count == 3);

        Assert.Equal([start.AddMinutes(1).UtcDateTime, start.AddMinutes(61).UtcDateTime, start.AddMinutes(121).UtcDateTime], job.Runs);
        var stopping = job.StopAsync(CancellationToken.None);
        Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(10))));
        Assert.True(job.ExecuteTask!.IsCompletedSuccessfully, "a stopped job ends without an error");
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var waited = 0; !condition(); waited += 10)
        {
            Assert.True(waited < 10_000, "the job did not run within 10 s of the clock reaching its time");
            await Task.Delay(10);
        }
    }
}
