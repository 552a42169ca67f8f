using Cheeseshop.Accounts;
using Cheeseshop.Configuration;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Disclosure;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Manage;

/// <summary>
/// /manage/account/data: the signed-in user's own disclosure package (kind data-subject), at most once a
/// day. It is produced into the data directory's temporary folder and deleted as soon as it is sent.
/// </summary>
public sealed class DownloadDataModel(CheeseshopDb db, DataExportService exports, DataDirectory dataDir, TimeProvider clock) : AccountPageModel
{
    public DateTime? NextAllowed { get; private set; }

    protected override async Task LoadAsync() => NextAllowed = await exports.NextSelfServiceAsync(CurrentUserId, Ct);

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostAsync() => AttemptAsync(async () =>
    {
        var user = await db.RequireUserAsync(CurrentUserId, Ct);
        if (!await exports.TryClaimSelfServiceAsync(user.Id, Ct))
        {
            var next = await exports.NextSelfServiceAsync(user.Id, Ct) ?? clock.GetUtcNow().UtcDateTime;
            throw new AccountException(429,
                $"You can download your data once a day. You can download it again after {next:yyyy-MM-dd HH:mm} UTC.",
                next - clock.GetUtcNow().UtcDateTime);
        }
        var path = Path.Combine(dataDir.TempRoot, $"data-export-{Guid.NewGuid():N}.zip");
        try
        {
            await exports.ExportAsync(user.Username, path, null, false, LegalRequestService.FromSelfService, "user:" + user.Username, Ct);
        }
        catch (DisclosureInputException e)
        {
            throw new AccountException(500, "Your data could not be gathered just now: " + e.Message);
        }
        // The file goes when the response is done with it: the copy is the user's, not ours.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        return File(stream, "application/zip", $"{user.Username}-data-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.zip");
    });
}
