using Cheeseshop.Core.Disclosure;
using Cheeseshop.Data;
using Cheeseshop.Data.Entities;
using Cheeseshop.Disclosure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cheeseshop.Web.Pages.Admin;

/// <summary>/admin/legal: the legal requests with their deadlines, scope, holds and notices, and the form that
/// records a new one. Everything goes through Disclosure/LegalRequestService, as `legal list` and `legal create` do.</summary>
public sealed class LegalModel(CheeseshopDb db, LegalRequestService requests, TimeProvider clock) : AdminPageModel
{
    [BindProperty(Name = "kind")] public string? Kind { get; set; }
    [BindProperty(Name = "authority")] public string? Authority { get; set; }
    [BindProperty(Name = "reference")] public string? Reference { get; set; }
    [BindProperty(Name = "received")] public string? Received { get; set; }
    [BindProperty(Name = "due")] public string? Due { get; set; }
    /// <summary>Usernames separated by spaces, commas or new lines.</summary>
    [BindProperty(Name = "subjects")] public string? Subjects { get; set; }
    [BindProperty(Name = "from")] public string? From { get; set; }
    [BindProperty(Name = "to")] public string? To { get; set; }
    [BindProperty(Name = "category")] public List<string> Categories { get; set; } = [];
    [BindProperty(Name = "nondisclosure_until")] public string? NondisclosureUntil { get; set; }
    [BindProperty(Name = "note")] public string? Note { get; set; }

    public List<LegalRequest> Requests { get; private set; } = [];
    public Dictionary<long, int> ActiveHolds { get; private set; } = [];
    public DateTime Today => clock.GetUtcNow().UtcDateTime.Date;

    protected override async Task LoadAsync()
    {
        Requests = await requests.ListAsync(false, Actor, Ct);
        Requests.Reverse();
        ActiveHolds = await db.LegalHolds.AsNoTracking().Where(h => h.LegalRequestId != null && h.ReleasedAt == null)
            .GroupBy(h => h.LegalRequestId!.Value).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
    }

    public Task<IActionResult> OnGetAsync() => AttemptAsync(async () =>
    {
        await LoadAsync();
        return Page();
    });

    public Task<IActionResult> OnPostCreateAsync() => AttemptAsync(async () =>
    {
        var subjects = (Subjects ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var draft = LegalRequestDraft.Parse(Kind, Authority, Reference, Received, Due, subjects, Blank(From), Blank(To),
            Categories.Count == 0 ? null : Categories, Blank(NondisclosureUntil), Blank(Note));
        var request = await requests.CreateAsync(draft, LegalRequestService.FromOperator, Actor, Ct);
        return Done(RequestKinds.PlacesHold(request.Kind)
            ? $"Recorded request {request.Id}; its subjects' records are held until it is closed."
            : $"Recorded request {request.Id} (no hold: a data-subject request).", "/Admin/LegalRequest", new { id = request.Id });
    });

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
