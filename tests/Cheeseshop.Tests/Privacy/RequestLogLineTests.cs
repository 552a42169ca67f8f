using Cheeseshop.Audit;

namespace Cheeseshop.Tests.Privacy;

/// <summary>The request log line's own format, in process: the documented shape, the rounding of the duration,
/// and a time that moves on to the next second (the part kept from one line to the next).</summary>
public sealed class RequestLogLineTests
{
    public static TheoryData<DateTime, int, long, string> Lines => new()
    {
        { new DateTime(2026, 11, 25, 17, 52, 3, 114, DateTimeKind.Utc), 200, 2_000, "2026-11-25T17:52:03.114Z GET /simple/requests/ 200 0.2ms client=3f9c0a6e1b27d845" },
        { new DateTime(2026, 11, 25, 17, 52, 3, 7, DateTimeKind.Utc), 304, 0, "2026-11-25T17:52:03.007Z GET /simple/requests/ 304 0.0ms client=3f9c0a6e1b27d845" },
        { new DateTime(2026, 11, 25, 17, 52, 4, 0, DateTimeKind.Utc), 404, 449, "2026-11-25T17:52:04.000Z GET /simple/requests/ 404 0.0ms client=3f9c0a6e1b27d845" },
        { new DateTime(2026, 11, 25, 17, 52, 4, 999, DateTimeKind.Utc), 500, 500, "2026-11-25T17:52:04.999Z GET /simple/requests/ 500 0.1ms client=3f9c0a6e1b27d845" },
        { new DateTime(2026, 12, 31, 23, 59, 59, 50, DateTimeKind.Utc), 201, 12_345_678, "2026-12-31T23:59:59.050Z GET /simple/requests/ 201 1234.6ms client=3f9c0a6e1b27d845" },
        { new DateTime(2027, 1, 1, 0, 0, 0, 1, DateTimeKind.Utc), 200, 99_950, "2027-01-01T00:00:00.001Z GET /simple/requests/ 200 10.0ms client=3f9c0a6e1b27d845" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void A_line_has_the_time_to_the_millisecond_and_the_duration_in_tenths(DateTime utc, int status, long elapsedTicks, string expected) =>
        Assert.Equal(expected, RequestLogMiddleware.Line(utc, "GET", "/simple/requests/", status, TimeSpan.FromTicks(elapsedTicks), "3f9c0a6e1b27d845"));
}
