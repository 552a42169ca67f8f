using Cheeseshop.Configuration;
using Cheeseshop.Core.Disclosure;
using Cheeseshop.Disclosure;
using Cheeseshop.Index;
using Microsoft.AspNetCore.Mvc;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/legal/{id}: one request as `legal show` prints it; producing its disclosure package (sent to the
/// browser as a download, as `legal produce` writes it to a file) and closing it, through the same services.</summary>
public sealed class LegalRequestModel(LegalRequestService requests, DisclosureProducer producer, DataDirectory dataDir, TimeProvider clock)
    : AdminPageModel
{
    [BindProperty(SupportsGet = true)] public long Id { get; set; }
    [BindProperty(Name = "outcome")] public string? Outcome { get; set; }
    [BindProperty(Name = "note")] public string? CloseNote { get; set; }

    public LegalRequestDetails? Details { get; private set; }
    public DateTime Now => clock.GetUtcNow().UtcDateTime;

    protected override async Task LoadAsync()
    {
        try
        {
            Details = await requests.ShowAsync(Id, Actor, Ct);
        }
        catch (DisclosureInputException) when (Error is not null)
        {
            // Already refusing for a reason of its own; the page shows that reason alone.
        }
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        try
        {
            await requests.RequireAsync(Id, Ct);
        }
        catch (DisclosureInputException e)
        {
            throw new AdminException(e.Message, 404);
        }
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostProduceAsync() => AttemptAsync(async () =>
    {
        var path = Path.Combine(dataDir.TempRoot, $"legal-{Id}-{Guid.NewGuid():N}.zip");
        var result = await producer.ProduceAsync(Id, path, null, false, Actor, Ct);
        // The administrator's download is the copy that leaves; the index keeps the record (hash, size, counts).
        var stream = new FileStream(result.Path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        Response.Headers["X-Content-SHA256"] = result.Sha256;
        return File(stream, "application/zip", $"legal-request-{Id}-{result.ProducedAt:yyyy-MM-dd'T'HHmmss'Z'}.zip");
    });

    public Task<IActionResult> OnPostCloseAsync() => AttemptAsync(async () =>
    {
        var r = await requests.CloseAsync(Id, Outcome ?? "", CloseNote, Actor, Ct);
        return Done($"Closed request {r.Id} ({r.Outcome}); its holds are released.");
    });
}
