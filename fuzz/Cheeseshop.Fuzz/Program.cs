using Cheeseshop.Fuzz;
using SharpFuzz;

// cheeseshop-fuzz TARGET              run under afl-fuzz (scripts/fuzz.sh starts it)
// cheeseshop-fuzz TARGET --libfuzzer  run under libFuzzer's libfuzzer-dotnet driver
// cheeseshop-fuzz TARGET FILE...      run the given inputs once each and say which fail
if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out var target))
{
    Console.Error.WriteLine($"usage: cheeseshop-fuzz TARGET [--libfuzzer | FILE...]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
    return 2;
}
if (args.Length == 1)
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target(buffer.ToArray());
    });
    return 0;
}
if (args[1] == "--libfuzzer")
{
    Fuzzer.LibFuzzer.Run(span => target(span.ToArray()));
    return 0;
}
var failed = 0;
foreach (var file in args.Skip(1))
{
    try
    {
        target(File.ReadAllBytes(file));
    }
    catch (Exception e)
    {
        failed++;
        Console.Error.WriteLine($"{file}: {e.GetType().Name}: {e.Message}");
    }
}
return failed == 0 ? 0 : 1;
