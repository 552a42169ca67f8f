using System.Text.RegularExpressions;

namespace Cheeseshop.Core.Downloads;

/// <summary>
/// The User-Agent shapes linehaul recognises with a pattern, each mapped to the installer
/// name linehaul records. Patterns keep linehaul's anchoring exactly (some match anywhere in
/// the string, e.g. "pex/1.0" or "devpi-server/"), since that decides what is counted.
/// All run on the non-backtracking engine, so cost is linear in the (capped) input.
/// </summary>
internal static class PatternUserAgents
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    private sealed record Rule(Regex Pattern, Func<Match, InstallerDetails?> Read);

    // Python's \s also counts the ASCII separators U+001C..U+001F as white space and .NET's does
    // not, so the patterns are written with \s and \S and widened here to Python's meaning.
    private static Regex Pattern(string pattern, RegexOptions extra = RegexOptions.None) =>
        new(
            Regex.Replace(pattern, @"\\[sS]", m => m.Value == @"\S" ? @"[^\s\x1C-\x1F]" : @"[\s\x1C-\x1F]"),
            RegexOptions.CultureInvariant | RegexOptions.NonBacktracking | RegexOptions.ExplicitCapture | extra,
            Timeout);

    private static string G(Match match, string group) => match.Groups[group].Value;

    private static InstallerDetails Named(string name, string? version) => new(Installer: new Installer(name, version));

    // linehaul registers its parsers in a set and assumes no agent matches two of them; where
    // one could (a browser string ending in "pex/1.0"), this order decides, installers first.
    private static readonly Rule[] Rules =
    [
        // pip 1.4 up to 6 sent "pip/1.4.1 CPython/2.7.6 Linux/3.2.0"; "Unknown" parts are left out.
        new(Pattern(@"^pip/(?<version>\S+) (?<implName>\S+)/(?<implVersion>\S+) (?<systemName>\S+)/(?<systemRelease>\S+)$"),
            OldPip),
        new(Pattern(@"^Python-urllib/(?<python>\d\.\d) distribute/(?<version>\S+)$"),
            m => new InstallerDetails(Installer: new Installer("distribute", G(m, "version")), Python: G(m, "python"))),
        new(Pattern(@"^Python-urllib/(?<python>\d\.\d) setuptools/(?<version>\S+)$|^setuptools/(?<version>\S+) Python-urllib/(?<python>\d\.\d)$"),
            m => new InstallerDetails(Installer: new Installer("setuptools", G(m, "version")), Python: G(m, "python"))),
        new(Pattern(@"pex/(?<version>\S+)$"), m => Named("pex", G(m, "version"))),
        new(Pattern(@"^conda/(?<version>\S+)(?: .+)?$"), m => Named("conda", G(m, "version"))),
        new(Pattern(@"^Bazel/(?:release\s+)?(?<version>.+)$"), m => Named("Bazel", G(m, "version"))),
        new(Pattern(@"^bandersnatch/(?<version>\S+) \(.+\)$"), m => Named("bandersnatch", G(m, "version"))),
        new(Pattern(@"devpi-server/(?<version>\S+) \(.+\)$"), m => Named("devpi", G(m, "version"))),
        new(Pattern(@"^z3c\.pypimirror/(?<version>\S+)$"), m => Named("z3c.pypimirror", G(m, "version"))),
        new(Pattern(@"^Artifactory/(?<version>\S+)$"), m => Named("Artifactory", G(m, "version"))),
        new(Pattern(@"^Nexus/(?<version>\S+)"), m => Named("Nexus", G(m, "version"))),
        new(Pattern(@"^pep381client(?:-proxy)?/(?<version>\S+)$"), m => Named("pep381client", G(m, "version"))),
        new(Pattern(@"^maturin/(?<version>\S+)$"), m => Named("maturin", G(m, "version"))),
        new(Pattern(@"^pdm/(?<version>\S+) (?<implName>\S+)/(?<implVersion>\S+)$"),
            m => new InstallerDetails(
                Installer: new Installer("pdm", G(m, "version")),
                Implementation: new Implementation(G(m, "implName"), G(m, "implVersion")))),
        // Poetry's release part may be empty ("poetry/1.1 CPython/3.9 Linux/"): recorded as null.
        new(Pattern(@"^poetry/(?<version>\S+) (?<implName>\S+)/(?<implVersion>\S+) (?<systemName>\S+)/(?<systemRelease>\S+)?$"),
            m => new InstallerDetails(
                Installer: new Installer("poetry", G(m, "version")),
                Implementation: new Implementation(G(m, "implName"), G(m, "implVersion")),
                System: new SystemInfo(G(m, "systemName"), m.Groups["systemRelease"].Success ? G(m, "systemRelease") : null))),
        // Twine lists its dependencies between its own version and the interpreter, which comes last.
        new(Pattern(@"^twine/(?<version>\S+)(?: .+)? (?<implName>\S+)/(?<implVersion>\S+)$"),
            m => new InstallerDetails(
                Installer: new Installer("twine", G(m, "version")),
                Implementation: new Implementation(G(m, "implName"), G(m, "implVersion")))),
        // Plain urllib says which Python but not which tool (pip before 1.4 looked like this).
        new(Pattern(@"^Python-urllib/(?<python>\d\.\d)$"), m => new InstallerDetails(Python: G(m, "python"))),
        new(Pattern(@"^python-requests/(?<version>\S+)(?: .+)?$"), m => Named("requests", G(m, "version"))),
        new(Pattern(@"^Homebrew/(?<version>\S+) \(Macintosh; Intel (?:Mac OS X|macOS) (?<osx>[^)]+)\)(?: .+)?$"),
            m => new InstallerDetails(
                Installer: new Installer("Homebrew", G(m, "version")),
                Distro: new Distro("OS X", G(m, "osx")))),
        // Operating-system package builders and their fetch tools.
        new(Pattern(
                @"^fetch libfetch/\S+$|^libfetch/\S+$|^OpenBSD ftp$|^MacPorts/?|^NetBSD-ftp/|^slapt-get|^pypi-install/"
                + @"|^slackrepo$|^PTXdist|^GARstow/|^xbps/"),
            _ => Named("OS", null)),
        // Browsers and generic downloaders: counted, but nothing more is learnt.
        new(Pattern(
                @"^(?:Mozilla|Safari|wget|curl|Opera|aria2|AndroidDownloadManager|com\.apple\.WebKit\.Networking/|FDM \S+"
                + @"|URL/Emacs|Firefox/|UCWEB|Links|okhttp|Apache-HttpClient)(?:/|$)",
                RegexOptions.IgnoreCase),
            _ => Named("Browser", null)),
    ];

    public static InstallerDetails? TryParse(string userAgent)
    {
        foreach (var rule in Rules)
        {
            try
            {
                var match = rule.Pattern.Match(userAgent);
                if (!match.Success) continue;
                var details = rule.Read(match);
                if (details is not null) return details;
            }
            catch (RegexMatchTimeoutException)
            {
                // Cannot happen on the linear engine with capped input; if it ever does, the
                // agent is simply not recognised by this rule.
            }
        }
        return null;
    }

    private static InstallerDetails? OldPip(Match match)
    {
        var version = InstallerVersion.TryParse(G(match, "version"));
        if (version is null || !version.AtLeast("1.4") || !version.Below("6")) return null;

        var implName = Known(G(match, "implName"));
        var implVersion = Known(G(match, "implVersion"));
        var systemName = Known(G(match, "systemName"));
        var systemRelease = Known(G(match, "systemRelease"));
        return new InstallerDetails(
            Installer: new Installer("pip", G(match, "version")),
            // linehaul copies the implementation's version, as written, for CPython only.
            Python: string.Equals(implName, "cpython", StringComparison.OrdinalIgnoreCase) ? G(match, "implVersion") : null,
            Implementation: implName is null && implVersion is null ? null : new Implementation(implName, implVersion),
            System: systemName is null && systemRelease is null ? null : new SystemInfo(systemName, systemRelease));

        static string? Known(string part) => part.Equals("unknown", StringComparison.OrdinalIgnoreCase) ? null : part;
    }
}
