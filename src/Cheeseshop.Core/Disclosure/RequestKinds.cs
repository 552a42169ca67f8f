namespace Cheeseshop.Core.Disclosure;

/// <summary>
/// The kinds of legal request an operator records. Every kind but <see cref="DataSubject"/> comes
/// from outside (an authority) and places a legal hold on its subjects the moment it is recorded;
/// a <see cref="Preservation"/> request only holds: it never produces a package.
/// </summary>
public static class RequestKinds
{
    public const string Subpoena = "subpoena";
    public const string CourtOrder = "court-order";
    public const string SearchWarrant = "search-warrant";
    public const string Emergency = "emergency";
    public const string Preservation = "preservation";
    /// <summary>A user's own request for everything held about them (self-service or through an admin).</summary>
    public const string DataSubject = "data-subject";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } =
        [Subpoena, CourtOrder, SearchWarrant, Emergency, Preservation, DataSubject, Other];

    public static string Parse(string? text)
    {
        var kind = text?.Trim().ToLowerInvariant();
        if (kind is not null && All.Contains(kind)) return kind;
        throw new DisclosureInputException($"--kind '{text}' is not a request kind. Use one of: {string.Join(", ", All)}.");
    }

    /// <summary>Requests from an authority hold their subjects' records until closed; a user's own request does not.</summary>
    public static bool PlacesHold(string kind) => kind != DataSubject;

    public static bool Produces(string kind) => kind != Preservation;

    /// <summary>The kind as a sentence reads it: "a subpoena", "an emergency request", ...</summary>
    public static string Describe(string kind) => kind switch
    {
        Subpoena => "a subpoena",
        CourtOrder => "a court order",
        SearchWarrant => "a search warrant",
        Emergency => "an emergency disclosure request",
        Preservation => "a preservation request",
        DataSubject => "a request for a copy of your own data",
        _ => "a legal request",
    };
}
