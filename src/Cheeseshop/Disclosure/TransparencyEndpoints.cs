using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Disclosure;

/// <summary>
/// /transparency.json: the public transparency report for programs (the HTML page is
/// Pages/Transparency.cshtml). ?period=2026-H2 narrows it to one half-year.
/// </summary>
public static class TransparencyEndpoints
{
    public static WebApplication MapTransparency(this WebApplication app)
    {
        app.MapGet("/transparency.json", async (HttpContext http, TransparencyService transparency, CancellationToken ct) =>
        {
            HalfYear? period;
            try
            {
                period = http.Request.Query["period"].ToString() is { Length: > 0 } p ? HalfYear.Parse(p) : null;
            }
            catch (DisclosureInputException e)
            {
                return Results.Json(new { message = e.Message.Replace("--period", "period") }, statusCode: 400);
            }
            var report = await transparency.BuildAsync(period, null, ct);
            http.Response.Headers.CacheControl = "public, max-age=300";
            return Results.Bytes(TransparencyFormats.Json(report), "application/json");
        });
        return app;
    }
}
