using System.Text.Json;
using Cheeseshop.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Cheeseshop.Tests.Harness;

/// <summary>
/// Debian's headless chromium driven through its own chromedriver (/usr/bin/chromedriver), for tests
/// that check the page a person sees. Besides the driver it gives what those tests assert: a
/// screenshot of the page (into CHEESESHOP_TEST_SCREENSHOTS, beside the test results), axe-core's
/// violations (axe.min.js from CHEESESHOP_TEST_AXE, injected into the page by the driver, so the
/// page's own content security policy does not stop it), any JavaScript dialog the page opened, every
/// request the browser sent to another origin, and the console's errors.
/// </summary>
public sealed class BrowserSession : IDisposable
{
    public const string Chromium = "/usr/bin/chromium", ChromeDriver = "/usr/bin/chromedriver";

    private readonly ChromeDriver _driver;
    private readonly string _profile;
    private readonly string _screenshots;
    private readonly List<JsonElement> _network = [];

    private BrowserSession(ChromeDriver driver, string profile, string screenshots)
    {
        _driver = driver;
        _profile = profile;
        _screenshots = screenshots;
    }

    public IWebDriver Driver => _driver;

    public static BrowserSession Start()
    {
        if (!File.Exists(Chromium) || !File.Exists(ChromeDriver))
            throw new InvalidOperationException($"The browser tests need {Chromium} and {ChromeDriver} (apt-get install chromium chromium-driver; ./scripts/test.sh does it).");
        var profile = TempPaths.NewDirectory("chromium");
        var options = new ChromeOptions { BinaryLocation = Chromium, UnhandledPromptBehavior = UnhandledPromptBehavior.Ignore };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-features=Translate,OptimizationHints,MediaRouter",
            $"--user-data-dir={profile}");
        options.SetLoggingPreference("performance", LogLevel.All);
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromSeconds(60);
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(60);
        var screenshots = Environment.GetEnvironmentVariable("CHEESESHOP_TEST_SCREENSHOTS") is { Length: > 0 } s ? s : Path.Combine(TempPaths.Root, "screenshots");
        Directory.CreateDirectory(screenshots);
        return new BrowserSession(driver, profile, screenshots);
    }

    public void Open(string url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Saves the page as <paramref name="name"/>.png; returns the file's path.</summary>
    public string Screenshot(string name)
    {
        var path = Path.Combine(_screenshots, string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Sets the viewport's width (a phone is about 375 CSS pixels); the page is laid out again.</summary>
    public void Resize(int width, int height) => _driver.Manage().Window.Size = new System.Drawing.Size(width, height);

    /// <summary>Whether the page is wider than the viewport (a reader would have to scroll sideways).</summary>
    public bool ScrollsSideways() =>
        (bool)_driver.ExecuteScript("return document.documentElement.scrollWidth > window.innerWidth;");

    /// <summary>Lays the page out as it would be printed (CSS print media), or back as on screen.</summary>
    public void EmulatePrint(bool print) =>
        _driver.ExecuteCdpCommand("Emulation.setEmulatedMedia", new Dictionary<string, object> { ["media"] = print ? "print" : "" });

    /// <summary>Lets the page download files into <paramref name="folder"/> (headless chromium refuses downloads otherwise).</summary>
    public void AllowDownloads(string folder) =>
        _driver.ExecuteCdpCommand("Browser.setDownloadBehavior", new Dictionary<string, object> { ["behavior"] = "allow", ["downloadPath"] = folder });

    /// <summary>The one finished download in <paramref name="folder"/>, waiting up to <paramref name="timeout"/> for it.</summary>
    public static string WaitForDownload(string folder, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var done = Directory.GetFiles(folder).Where(f => !f.EndsWith(".crdownload", StringComparison.Ordinal) && !f.EndsWith(".tmp", StringComparison.Ordinal)).ToList();
            if (done.Count == 1 && !Directory.GetFiles(folder, "*.crdownload").Any()) return done[0];
            Thread.Sleep(100);
        }
        throw new TimeoutException($"No download finished in {folder} within {timeout}: it holds {string.Join(", ", Directory.GetFiles(folder).Select(Path.GetFileName))}");
    }

    /// <summary>The text of a JavaScript dialog (alert, confirm, prompt) open on the page, or null.</summary>
    public string? OpenDialog()
    {
        try
        {
            return _driver.SwitchTo().Alert().Text ?? "";
        }
        catch (NoAlertPresentException)
        {
            return null;
        }
    }

    public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets)
    {
        public override string ToString() => $"{Impact} {Id}: {Help} at {string.Join(", ", Targets)}";
    }

    /// <summary>axe-core's violations on the current page.</summary>
    public IReadOnlyList<AxeViolation> Axe()
    {
        var path = Environment.GetEnvironmentVariable("CHEESESHOP_TEST_AXE");
        if (string.IsNullOrEmpty(path) || !File.Exists(path))
            throw new InvalidOperationException("CHEESESHOP_TEST_AXE must name axe.min.js (./scripts/test.sh installs axe-core@4.14.1 and sets it).");
        _driver.ExecuteScript(File.ReadAllText(path));
        var json = (string)_driver.ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1];" +
            "axe.run(document, { resultTypes: ['violations'] })" +
            ".then(function (r) { done(JSON.stringify(r.violations)); })" +
            ".catch(function (e) { done('ERROR ' + e); });");
        if (json.StartsWith("ERROR ", StringComparison.Ordinal)) throw new InvalidOperationException("axe-core failed: " + json);
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").ValueKind == JsonValueKind.String ? v.GetProperty("impact").GetString()! : "none",
            v.GetProperty("help").GetString()!,
            v.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("target").ToString()).ToList())).ToList();
    }

    /// <summary>
    /// Every request the browser sent since it started to an origin other than <paramref name="origin"/>.
    /// A request the content security policy blocked never leaves the browser, so it is not counted;
    /// anything else that was about to be sent is (from chromium's network events).
    /// </summary>
    public IReadOnlyList<string> ForeignRequests(string origin)
    {
        foreach (var entry in _driver.Manage().Logs.GetLog("performance"))
            _network.Add(JsonDocument.Parse(entry.Message).RootElement.GetProperty("message"));
        var blocked = _network
            .Where(m => m.GetProperty("method").GetString() == "Network.loadingFailed"
                && m.GetProperty("params").TryGetProperty("blockedReason", out var reason) && reason.GetString() is "csp")
            .Select(m => m.GetProperty("params").GetProperty("requestId").GetString())
            .ToHashSet();
        return _network
            .Where(m => m.GetProperty("method").GetString() == "Network.requestWillBeSent")
            .Select(m => (Id: m.GetProperty("params").GetProperty("requestId").GetString(),
                Url: m.GetProperty("params").GetProperty("request").GetProperty("url").GetString()!))
            // Only what goes over the network: chromium's own pages (chrome://, the first tab's) are not requests.
            .Where(r => !blocked.Contains(r.Id) && !r.Url.StartsWith(origin + "/", StringComparison.Ordinal)
                && (r.Url.StartsWith("http", StringComparison.OrdinalIgnoreCase) || r.Url.StartsWith("ws", StringComparison.OrdinalIgnoreCase)))
            .Select(r => r.Url).Distinct().ToList();
    }

    /// <summary>The console's messages since the last call (errors include the content security policy's reports).</summary>
    public IReadOnlyList<string> ConsoleMessages() =>
        _driver.Manage().Logs.GetLog(LogType.Browser).Select(e => $"{e.Level} {e.Message}").ToList();

    public void Dispose()
    {
        try { _driver.Quit(); } catch (WebDriverException) { }
        _driver.Dispose();
        try { Directory.Delete(_profile, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
