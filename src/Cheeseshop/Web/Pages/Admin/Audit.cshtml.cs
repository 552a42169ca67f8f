using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/audit: the admin audit log (admin_audit: every administrator's action, from the pages and the
/// CLI), newest first, a page at a time.</summary>
public sealed class AuditModel(CheeseshopDb db) : AdminPageModel
{
    public const int PageSize = 50;

    [FromQuery(Name = "page")] public int PageNumber { get; set; } = 1;

    public List<AdminAuditEntry> Entries { get; private set; } = [];
    public int Pages { get; private set; } = 1;

    protected override async Task LoadAsync()
    {
        var total = await db.AdminAudit.LongCountAsync(Ct);
        Pages = (int)Math.Max(1, (total + PageSize - 1) / PageSize);
        PageNumber = Math.Clamp(PageNumber, 1, Pages);
        Entries = await db.AdminAudit.AsNoTracking().OrderByDescending(a => a.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });
}
