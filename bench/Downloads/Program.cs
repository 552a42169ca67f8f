using Cheeseshop.Bench.Downloads;

// Download statistics benchmarks. Every verb takes --data-dir DIR; PostgreSQL is chosen as for the
// server, with CHEESESHOP_Database__PostgreSQL. See bench/load/downloads.sh for how they are used.
//   seed-files    --files N                      a project with N wheels on disk; prints their URLs
//   writer        --events N                     queue + writer into the database: events/s
//   generate      --events N --days D --projects P   raw events spread over D days, as the writer inserts them
//   rollup                                       a full rollup of every day: time and events/s
//   api           --url URL --project P [--requests N]   API latency (p50, p99) over HTTP
//   count                                        download events in the database
string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
var dataDir = Arg("--data-dir", "bench-downloads");
switch (args.FirstOrDefault())
{
    case "seed-files": await Seeding.SeedFilesAsync(dataDir, int.Parse(Arg("--files", "20"))); return 0;
    case "writer": await WriterBench.RunAsync(dataDir, int.Parse(Arg("--events", "200000"))); return 0;
    case "generate": await Seeding.GenerateEventsAsync(dataDir, long.Parse(Arg("--events", "1000000")), int.Parse(Arg("--days", "30")), int.Parse(Arg("--projects", "1000"))); return 0;
    case "rollup": await RollupBench.RunAsync(dataDir); return 0;
    case "api": await ApiBench.RunAsync(Arg("--url", "http://127.0.0.1:8000"), Arg("--project", "bench-dl-000000"), int.Parse(Arg("--requests", "200"))); return 0;
    case "phases": await WriterPhases.RunAsync(dataDir, int.Parse(Arg("--events", "100000"))); return 0;
    case "count": Console.WriteLine(await Seeding.CountAsync(dataDir)); return 0;
    default:
        Console.Error.WriteLine("usage: seed-files | writer | generate | rollup | api | count  (see Program.cs)");
        return 2;
}
