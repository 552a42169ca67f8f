using System.CommandLine;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Privacy;

namespace Cheeseshop.Disclosure;

/// <summary>
/// `cheeseshop users export USERNAME --out FILE.zip`: a user's own data package (all nine categories, the
/// whole history), as the account page's "Download your data" gives it; recorded as a data-subject
/// request, closed at once, counted in the transparency report, and the user is told by email.
/// </summary>
public static class UsersExportCommand
{
    public static Command Build()
    {
        var username = new Argument<string>("username") { Description = "The account" };
        var output = new Option<string>("--out") { Description = "The zip file to write", Required = true };
        var asOf = new Option<string?>("--as-of") { Description = "The package's produced_at (ISO 8601)" };
        var force = new Option<bool>("--force") { Description = "Replace --out if it exists" };
        var export = new Command("export", "Write everything held about a user to a zip (a data-subject request)") { username, output, asOf, force };
        export.SetAction((parse, ct) =>
        {
            DateTime? when = null;
            return LegalCommands.RunAsync(parse, ct, () =>
            {
                DisclosureProducer.CheckOutPath(parse.GetValue(output), parse.GetValue(force));
                when = parse.GetValue(asOf) is { } text ? LegalDates.ParseInstant(text, "--as-of") : null;
            }, async (sp, c) =>
            {
                var exports = sp.GetRequiredService<DataExportService>();
                var name = await exports.RequireUsernameAsync(parse.GetValue(username), c);
                var result = await exports.ExportAsync(name, parse.GetValue(output)!, when, parse.GetValue(force),
                    LegalRequestService.FromAdminExport, LegalHoldService.CliActor, c);
                LegalCommands.PrintProduction(result);
                return 0;
            });
        });
        return export;
    }
}
