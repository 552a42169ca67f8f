namespace Cheeseshop.Core.Disclosure;

/// <summary>One of the nine disclosure categories: a fixed key, its place in every package, and the
/// wording a subpoena uses for it (the nine items of the 2023 subpoenas PyPI answered).</summary>
public sealed record DisclosureCategory(int Number, string Key, string Title)
{
    /// <summary>The category's folder in a package: "03-connection-records".</summary>
    public string Folder => $"{Number:D2}-{Key}";
}

/// <summary>The nine categories, in the order every manifest lists them. Keys never change: programs
/// that read packages depend on them.</summary>
public static class Categories
{
    public const string Names = "names";
    public const string Addresses = "addresses";
    public const string ConnectionRecords = "connection-records";
    public const string Sessions = "sessions";
    public const string LengthOfService = "length-of-service";
    public const string InstrumentNumbers = "instrument-numbers";
    public const string Payment = "payment";
    public const string Packages = "packages";
    public const string DownloadLogs = "download-logs";

    public static IReadOnlyList<DisclosureCategory> All { get; } =
    [
        new(1, Names, "Names (including subscriber names, user names, and screen names)"),
        new(2, Addresses, "Addresses (including mailing, residential addresses, business addresses, and email addresses)"),
        new(3, ConnectionRecords, "Connection records"),
        new(4, Sessions, "Records of session times and durations, and the temporarily assigned network address (such as Internet Protocol addresses) associated with those sessions"),
        new(5, LengthOfService, "Length of service (including start date) and type of services utilized"),
        new(6, InstrumentNumbers, "Telephone or instrument numbers (including the registration Internet Protocol address)"),
        new(7, Payment, "Means and source of payment of any such services (including any credit card or bank account number) and billing records"),
        new(8, Packages, "Records of all packages uploaded by the subject"),
        new(9, DownloadLogs, "IP download logs of any packages uploaded by the subject"),
    ];

    public static IReadOnlyList<string> Keys { get; } = All.Select(c => c.Key).ToList();

    public static DisclosureCategory Get(string key) =>
        All.FirstOrDefault(c => c.Key == key) ?? throw new DisclosureInputException(UnknownMessage(key));

    /// <summary>The requested keys, checked and put in package order; none given means all nine.</summary>
    public static IReadOnlyList<string> ParseRequested(IEnumerable<string>? keys)
    {
        var given = (keys ?? []).Select(k => k.Trim().ToLowerInvariant()).Where(k => k.Length > 0).ToList();
        if (given.Count == 0) return Keys;
        foreach (var key in given)
            if (!Keys.Contains(key)) throw new DisclosureInputException(UnknownMessage(key));
        return Keys.Where(given.Contains).ToList();
    }

    /// <summary>Stored as one space-separated string in package order.</summary>
    public static string Join(IEnumerable<string> keys) => string.Join(' ', Keys.Where(keys.Contains));

    public static IReadOnlyList<string> Split(string? stored) =>
        ParseRequested((stored ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries));

    private static string UnknownMessage(string key) =>
        $"--category '{key}' is not a disclosure category. Use one of: {string.Join(", ", Keys)}.";
}
