using Cheeseshop.Core.Downloads;

namespace Cheeseshop.Core.Tests.Downloads;

/// <summary>
/// User agents with the result linehaul records for them, taken from linehaul's own test
/// fixtures (pypi/linehaul and pypi/linehaul-cloud-function, tests/unit/ua/fixtures/*.yml),
/// one group per fixture file.
/// </summary>
public static class LinehaulFixtures
{
    private static InstallerDetails Named(string name, string? version = null) => new(Installer: new Installer(name, version));

    public static TheoryData<string, InstallerDetails> Recognised => new()
    {
        // pip.yml: pip 6+ JSON format
        {
            """pip/18.0 {"cpu":"x86_64","distro":{"name":"macOS","version":"10.13.6"},"implementation":{"name":"PyPy","version":"6.0.0"},"installer":{"name":"pip","version":"18.0"},"openssl_version":"LibreSSL 2.6.2","python":"3.5.3","setuptools_version":"40.0.0","system":{"name":"Darwin","release":"17.7.0"}}""",
            new InstallerDetails(
                Installer: new Installer("pip", "18.0"),
                Python: "3.5.3",
                Implementation: new Implementation("PyPy", "6.0.0"),
                Distro: new Distro("macOS", "10.13.6"),
                System: new SystemInfo("Darwin", "17.7.0"),
                Cpu: "x86_64",
                OpensslVersion: "LibreSSL 2.6.2",
                SetuptoolsVersion: "40.0.0")
        },
        // pip.yml: pip 1.4 format
        {
            "pip/1.4.1 CPython/2.7.14 Darwin/17.7.0",
            new InstallerDetails(
                Installer: new Installer("pip", "1.4.1"),
                Python: "2.7.14",
                Implementation: new Implementation("CPython", "2.7.14"),
                System: new SystemInfo("Darwin", "17.7.0"))
        },
        // uv.yml
        {
            """uv/0.1.22 {"installer":{"name":"uv","version":"0.1.22"},"python":"3.12.2","implementation":{"name":"CPython","version":"3.12.2"},"distro":{"name":"macOS","version":"14.4","id":null,"libc":null},"system":{"name":"Darwin","release":"23.2.0"},"cpu":"arm64","openssl_version":null,"setuptools_version":null,"rustc_version":null,"ci":null}""",
            new InstallerDetails(
                Installer: new Installer("uv", "0.1.22"),
                Python: "3.12.2",
                Implementation: new Implementation("CPython", "3.12.2"),
                Distro: new Distro("macOS", "14.4"),
                System: new SystemInfo("Darwin", "23.2.0"),
                Cpu: "arm64")
        },
        {
            """uv/0.1.22 {"installer":{"name":"uv","version":"0.1.22"},"python":"3.12.2","implementation":{"name":"CPython","version":"3.12.2"},"distro":{"name":"Ubuntu","version":"22.04","id":"jammy","libc":{"lib":"glibc","version":"2.35"}},"system":{"name":"Linux","release":"6.5.0-1016-azure"},"cpu":"x86_64","openssl_version":null,"setuptools_version":null,"rustc_version":null,"ci":true}""",
            new InstallerDetails(
                Installer: new Installer("uv", "0.1.22"),
                Python: "3.12.2",
                Implementation: new Implementation("CPython", "3.12.2"),
                Distro: new Distro("Ubuntu", "22.04", "jammy", new Libc("glibc", "2.35")),
                System: new SystemInfo("Linux", "6.5.0-1016-azure"),
                Cpu: "x86_64",
                Ci: true)
        },
        {
            """uv/0.1.22 {"installer":{"name":"uv","version":"0.1.22"},"python":"3.12.2","implementation":{"name":"CPython","version":"3.12.2"},"distro":null,"system":{"name":"Windows","release":"2022Server"},"cpu":"AMD64","openssl_version":null,"setuptools_version":null,"rustc_version":null,"ci":true}""",
            new InstallerDetails(
                Installer: new Installer("uv", "0.1.22"),
                Python: "3.12.2",
                Implementation: new Implementation("CPython", "3.12.2"),
                System: new SystemInfo("Windows", "2022Server"),
                Cpu: "AMD64",
                Ci: true)
        },
        // hatch.yml
        {
            """Hatch/1.15.0 {"ci":true,"cpu":"x86_64","distro":{"id":"jammy","libc":{"lib":"glibc","version":"2.35"},"name":"Ubuntu","version":"22.04"},"implementation":{"name":"CPython","version":"3.12.0"},"installer":{"name":"hatch","version":"1.15.0"},"openssl_version":"OpenSSL 3.0.2 15 Mar 2022","python":"3.12.0","system":{"name":"Linux","release":"6.5.0-1016-azure"}} HTTPX/0.27.0""",
            new InstallerDetails(
                Installer: new Installer("hatch", "1.15.0"),
                Python: "3.12.0",
                Implementation: new Implementation("CPython", "3.12.0"),
                Distro: new Distro("Ubuntu", "22.04", "jammy", new Libc("glibc", "2.35")),
                System: new SystemInfo("Linux", "6.5.0-1016-azure"),
                Cpu: "x86_64",
                OpensslVersion: "OpenSSL 3.0.2 15 Mar 2022",
                Ci: true)
        },
        {
            """Hatch/1.15.0 {"ci":null,"cpu":"arm64","distro":{"name":"macOS","version":"14.4"},"implementation":{"name":"CPython","version":"3.12.2"},"installer":{"name":"hatch","version":"1.15.0"},"openssl_version":"LibreSSL 3.3.6","python":"3.12.2","system":{"name":"Darwin","release":"23.2.0"}} HTTPX/0.27.0""",
            new InstallerDetails(
                Installer: new Installer("hatch", "1.15.0"),
                Python: "3.12.2",
                Implementation: new Implementation("CPython", "3.12.2"),
                Distro: new Distro("macOS", "14.4"),
                System: new SystemInfo("Darwin", "23.2.0"),
                Cpu: "arm64",
                OpensslVersion: "LibreSSL 3.3.6")
        },
        {
            """Hatch/1.15.0 {"ci":null,"cpu":"x86_64","implementation":{"name":"PyPy","version":"7.3.15"},"installer":{"name":"hatch","version":"1.15.0"},"python":"3.10.14","system":{"name":"Linux","release":"6.1.0"}} HTTPX/0.27.0""",
            new InstallerDetails(
                Installer: new Installer("hatch", "1.15.0"),
                Python: "3.10.14",
                Implementation: new Implementation("PyPy", "7.3.15"),
                System: new SystemInfo("Linux", "6.1.0"),
                Cpu: "x86_64")
        },
        // poetry.yml, pdm.yml, twine.yml, maturin.yml
        {
            "poetry/1.1.11 CPython/3.9.2 Linux/5.10.16.3-microsoft-standard-WSL2",
            new InstallerDetails(
                Installer: new Installer("poetry", "1.1.11"),
                Implementation: new Implementation("CPython", "3.9.2"),
                System: new SystemInfo("Linux", "5.10.16.3-microsoft-standard-WSL2"))
        },
        {
            "pdm/2.1.6.dev32+g1e5dc62 CPython/3.11.0",
            new InstallerDetails(Installer: new Installer("pdm", "2.1.6.dev32+g1e5dc62"), Implementation: new Implementation("CPython", "3.11.0"))
        },
        {
            "twine/4.0.2 CPython/3.9.16",
            new InstallerDetails(Installer: new Installer("twine", "4.0.2"), Implementation: new Implementation("CPython", "3.9.16"))
        },
        {
            "twine/3.8.0 pkginfo/1.9.6 readme-renderer/34.0 requests/2.27.1 requests-toolbelt/0.10.1 urllib3/1.26.15 tqdm/4.64.1 importlib-metadata/4.8.3 keyring/23.4.1 rfc3986/1.5.0 colorama/0.4.5 CPython/3.9.16",
            new InstallerDetails(Installer: new Installer("twine", "3.8.0"), Implementation: new Implementation("CPython", "3.9.16"))
        },
        {
            "twine/1.12.1 pkginfo/1.4.2 requests/<module 'pip._vendor.requests.__version__' from '/usr/local/lib/python3.6/dist-packages/requests/__version__.py'> setuptools/40.8.0 requests-toolbelt/0.8.0 tqdm/4.28.1 CPython/3.6.7",
            new InstallerDetails(Installer: new Installer("twine", "1.12.1"), Implementation: new Implementation("CPython", "3.6.7"))
        },
        { "maturin/0.8.0-alpha.2", Named("maturin", "0.8.0-alpha.2") },
        // artifactory.yml, bandersnatch.yml, bazel.yml, conda.yml, devpi.yml
        { "Artifactory/1.7.4", Named("Artifactory", "1.7.4") },
        { "bandersnatch/2.2.1 (cpython 3.7.0-final0, Darwin x86_64)", Named("bandersnatch", "2.2.1") },
        { "Bazel/1.0", Named("Bazel", "1.0") },
        { "Bazel/release 1.0", Named("Bazel", "1.0") },
        { "Bazel/1.0 dev", Named("Bazel", "1.0 dev") },
        { "conda/4.3.16", Named("conda", "4.3.16") },
        { "devpi-server/4.6.0 (py3.7.0; darwin)", Named("devpi", "4.6.0") },
        // distribute.yml, homebrew.yml, nexus.yml, pep381client.yml, pex.yml
        { "Python-urllib/3.6 distribute/0.6.21", new InstallerDetails(Installer: new Installer("distribute", "0.6.21"), Python: "3.6") },
        {
            "Homebrew/0.9.9 (Macintosh; Intel macOS 10.12.0) curl/7.43.0",
            new InstallerDetails(Installer: new Installer("Homebrew", "0.9.9"), Distro: new Distro("OS X", "10.12.0"))
        },
        { "Nexus/3.6.0-02 (OSS; Linux; 4.4.0-62-generic; amd64; 1.8.0_144)", Named("Nexus", "3.6.0-02") },
        { "pep381client/1.0.1", Named("pep381client", "1.0.1") },
        { "pep381client-proxy/0.5.6", Named("pep381client", "0.5.6") },
        { "pex/1.4.5", Named("pex", "1.4.5") },
        // requests.yml, setuptools.yml, urllib2.yml, z3c-pypimirror.yml
        { "python-requests/2.19.1", Named("requests", "2.19.1") },
        { "python-requests/2.7.0 CPython/3.7.0 Darwin/17.7.0", Named("requests", "2.7.0") },
        { "setuptools/1.0 Python-urllib/3.6", new InstallerDetails(Installer: new Installer("setuptools", "1.0"), Python: "3.6") },
        { "Python-urllib/3.6 setuptools/1.0", new InstallerDetails(Installer: new Installer("setuptools", "1.0"), Python: "3.6") },
        { "Python-urllib/2.7", new InstallerDetails(Python: "2.7") },
        { "z3c.pypimirror/1.5.6", Named("z3c.pypimirror", "1.5.6") },
        // browser.yml, os.yml
        { "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_13_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/68.0.3440.75 Safari/537.36", Named("Browser") },
        { "fetch libfetch/2.0", Named("OS") },
    };

    /// <summary>ignored.yml: agents whose downloads linehaul drops.</summary>
    public static TheoryData<string> Ignored => new() { "(null)" };
}
