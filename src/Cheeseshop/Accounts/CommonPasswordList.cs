using System.Collections.Frozen;
using System.Reflection;

namespace Cheeseshop.Accounts;

/// <summary>
/// The breached-password list shipped inside the binary (CommonPasswords.txt, an embedded resource),
/// so the check needs no network. Where it comes from: the "passwords" frequency list of zxcvbn 4.4.2
/// (MIT licence, Dropbox; npm package zxcvbn, lib/frequency_lists.js), which ranks the 30,000 most
/// common passwords of Mark Burnett's public corpus of 10 million leaked passwords. Only the 11,611
/// entries of 8 or more characters are kept: shorter ones are refused for their length anyway.
/// All entries are lower case; PasswordPolicy compares lower-cased input.
/// </summary>
public static class CommonPasswordList
{
    private const string ResourceName = "Cheeseshop.Accounts.CommonPasswords.txt";

    private static readonly Lazy<FrozenSet<string>> Lazy = new(Load);

    public static IReadOnlySet<string> Passwords => Lazy.Value;

    private static FrozenSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the build.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) set.Add(line);
        }
        return set.ToFrozenSet(StringComparer.Ordinal);
    }
}
