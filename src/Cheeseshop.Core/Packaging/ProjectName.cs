namespace Cheeseshop.Core.Packaging;

/// <summary>Project names: PEP 508 validity and PEP 503 normalization.</summary>
public static class ProjectName
{
    /// <summary>PEP 503: lower-case, runs of '-', '_' and '.' become one '-'.</summary>
    public static string Normalize(string name) => throw new NotImplementedException();

    /// <summary>PEP 508 name: ASCII letters/digits, '.', '_', '-' inside; starts and ends alphanumeric.</summary>
    public static bool IsValid(string name) => throw new NotImplementedException();
}
