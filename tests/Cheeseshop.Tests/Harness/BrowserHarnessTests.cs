namespace Cheeseshop.Tests.Harness;

/// <summary>The browser harness sees what the page tests rely on it to see: a dialog a script opened,
/// a request a page sent to another origin, and an accessibility violation. Without these, "no dialog, no request" would prove nothing.</summary>
public sealed class BrowserHarnessTests
{
    [Fact]
    public void Sees_a_dialog_and_a_request_to_another_origin()
    {
        using var elsewhere = new TrapServer();
        using var page = new TrapServer(
            $"<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><main><h1>Hello</h1>" +
            $"<img src=\"{elsewhere.Origin}/pixel.png\"><script>alert('from the page');</script></main></body></html>");
        using var browser = BrowserSession.Start();
        browser.Open(page.Origin + "/");
        Assert.Equal("from the page", browser.OpenDialog());
        browser.Driver.SwitchTo().Alert().Accept();
        Assert.Null(browser.OpenDialog());
        Assert.Contains(elsewhere.Origin + "/pixel.png", browser.ForeignRequests(page.Origin));
        Assert.Contains(elsewhere.Requests, r => r.StartsWith("GET /pixel.png", StringComparison.Ordinal));
        // An image without a text alternative is one of axe-core's critical findings.
        Assert.Contains(browser.Axe(), v => v.Id == "image-alt" && v.Impact == "critical");
    }
}
