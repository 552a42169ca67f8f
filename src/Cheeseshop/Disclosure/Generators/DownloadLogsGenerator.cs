using Cheeseshop.Core.Disclosure;
using static Cheeseshop.Core.Disclosure.TableSpec;

namespace Cheeseshop.Disclosure.Generators;

/// <summary>
/// 9. download-logs: downloads of the projects the subject has or had a role on, in the scope, from the
/// download store when this instance keeps one (IDownloadLogSource). The statement that download logs
/// hold no IP addresses is always made; with no store, it is followed by "no download records are kept".
/// </summary>
public sealed class DownloadLogsGenerator(IEnumerable<IDownloadLogSource> sources) : ICategoryGenerator
{
    public static readonly TableSpec Downloads = new("downloads", "Downloads of the subject's projects. There is no IP address: none is stored.",
    [
        Time("time", "When"),
        Text("country", "The downloader's country (ISO 3166 code), when known"),
        Text("project", "The project"),
        Text("filename", "The file downloaded"),
        Text("version", "The release's version"),
        Text("file_type", "sdist or bdist_wheel"),
        Text("installer", "The installer (pip, uv, ...)"),
        Text("installer_version", "Its version"),
    ]);

    /// <summary>The registered store; the last registration wins, none means no records are kept.</summary>
    private readonly IDownloadLogSource _source = sources.LastOrDefault() ?? NoDownloadLogSource.Instance;

    public string Key => Core.Disclosure.Categories.DownloadLogs;

    public async Task<CategoryOutcome> GenerateAsync(SubjectScope s, CategoryTables tables, CancellationToken ct)
    {
        if (!_source.KeepsRecords)
            return new CategoryOutcome(false, CategoryStatements.DownloadLogs(false, 0, 0, s.Windows));
        var roles = await s.RolesAsync(ct);
        var written = await tables.WriteAsync(Downloads, async w =>
        {
            if (roles.ProjectIds.Count == 0) return;
            await foreach (var d in _source.ReadAsync(roles.ProjectIds, s.Start, s.End, ct))
                w.Add(d.Time, d.CountryCode, d.Project, d.Filename, d.Version, d.FileType, d.InstallerName, d.InstallerVersion);
        });
        return new CategoryOutcome(written.Rows > 0, CategoryStatements.DownloadLogs(true, written.Rows, roles.ProjectIds.Count, s.Windows));
    }
}
