using BenchmarkDotNet.Running;
using Cheeseshop.Bench;

// bench generate --data-dir DIR [--projects N] [--files-per-project K]
// bench baseline [URLS] [PAGE_BYTES ...]   (bare endpoints /page/PAGE_BYTES: the yardstick; BASELINE_HEADERS=simple adds a Simple page's headers)
// bench micro [BenchmarkDotNet arguments]
// bench lookup [--projects N]   (a cached page found among N projects, without the network; see LookupBench)
// bench search --data-dir DIR [--projects N] [--runs R]   (see SearchBench; PostgreSQL via CHEESESHOP_Database__PostgreSQL)
// bench disclosure-seed --data-dir DIR [--events N] [--files K] | bench disclosure-demo --data-dir DIR   (see DisclosureDataset)
// bench soak --url URL --rate READS_PER_S --seconds S --projects N --token T --user U --password P --pid SERVER_PID   (see SoakRun)
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
if (args.Length > 0 && args[0] == "generate")
{
    await IndexGenerator.RunAsync(Arg("--data-dir", "bench-data"), int.Parse(Arg("--projects", "100000")), int.Parse(Arg("--files-per-project", "5")));
    return 0;
}
if (args.Length > 0 && args[0] is "disclosure-seed" or "disclosure-demo")
{
    if (args[0] == "disclosure-demo") await DisclosureDataset.SeedDemoAsync(Arg("--data-dir", "demo-data"));
    else await DisclosureDataset.SeedLargeAsync(Arg("--data-dir", "bench-data"), int.Parse(Arg("--events", "100000")), int.Parse(Arg("--files", "10000")));
    return 0;
}
if (args.Length > 0 && args[0] == "search")
{
    await SearchBench.RunAsync(Arg("--data-dir", "bench-data"), int.Parse(Arg("--projects", "100000")), int.Parse(Arg("--runs", "20")));
    return 0;
}
if (args.Length > 0 && args[0] == "soak")
{
    return await SoakRun.RunAsync(Arg("--url", "http://127.0.0.1:8000"), int.Parse(Arg("--rate", "1000")), int.Parse(Arg("--seconds", "600")),
        int.Parse(Arg("--projects", "1000")), Arg("--token", ""), Arg("--user", ""), Arg("--password", ""), int.Parse(Arg("--pid", "0")));
}
if (args.Length > 0 && args[0] == "baseline")
{
    await BaselineServer.RunAsync(args.Length > 1 ? args[1] : "http://127.0.0.1:8001",
        args.Length > 2 ? args[2..].Select(int.Parse).ToArray() : [1500]);
    return 0;
}
if (args.Length > 0 && args[0] == "lookup")
{
    if (!int.TryParse(Arg("--projects", "100000"), out var projects) || projects < 1)
    {
        Console.Error.WriteLine("bench lookup: --projects must be a whole number of 1 or more.");
        return 2;
    }
    LookupBench.Run(projects);
    return 0;
}
if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(IndexGenerator).Assembly).Run(args[1..]);
    return 0;
}
Console.Error.WriteLine("usage: bench generate --data-dir DIR [--projects N] [--files-per-project K] | bench micro [--filter *]");
return 2;
