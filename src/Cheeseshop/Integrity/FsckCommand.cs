using System.CommandLine;
using Cheeseshop.Hosting;

namespace Cheeseshop.Integrity;

/// <summary>`cheeseshop fsck [--repair] [--quick]`: the integrity check of a data directory and its database.</summary>
public static class FsckCommand
{
    public static Command Build()
    {
        var repair = new Option<bool>("--repair") { Description = "Remove orphan and stale temporary files, correct last serials and settle interrupted legal produces (never a row, never a file a row names)" };
        var quick = new Option<bool>("--quick") { Description = "Check each file's presence and size only, without reading it to compare digests" };
        var grace = new Option<int>("--grace-minutes")
        {
            Description = "A file without a row, or a temporary file, younger than this may belong to an upload in progress and is left alone (0 when no server runs)",
            DefaultValueFactory = _ => 60,
        };
        var fsck = new Command("fsck", "Check that stored files, rows, the journal, download rollups and legal produces agree; one line per difference, exit code 1 if any") { repair, quick, grace };
        fsck.Validators.Add(r =>
        {
            if (r.GetValue(grace) < 0) r.AddError("--grace-minutes cannot be negative.");
        });
        fsck.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var options = new IntegrityOptions(parse.GetValue(quick), parse.GetValue(repair), TimeSpan.FromMinutes(parse.GetValue(grace)));
            var report = await sp.GetRequiredService<IntegrityCheck>().RunAsync(options,
                f => Console.Out.WriteLine(f.Repaired ? $"{f.Finding} (repaired)" : f.Finding.ToString()), c);
            Console.Error.WriteLine(Summary(report, options));
            return report.Remaining > 0 ? 1 : 0;
        }, ct));
        return fsck;
    }

    private static string Summary(IntegrityReport report, IntegrityOptions options)
    {
        var (found, repaired) = (report.Found, report.Repaired);
        var line = $"fsck: {report.FilesChecked} stored files {(options.Quick ? "present with their size" : "checked with their digests")}; " +
                   (found == 0 ? "no differences." :
                    options.Repair && report.Remaining == 0 ? $"{found} differences, all repaired." :
                    options.Repair ? $"{found} differences, {repaired} repaired, {report.Remaining} left for a person to look at." :
                    $"{found} differences.");
        if (report.YoungUnreferenced > 0)
            line += $" {report.YoungUnreferenced} stored files without a row are younger than {options.Grace.TotalMinutes:0} minutes and were left alone (an upload may be committing them).";
        return line;
    }
}
