namespace Cheeseshop.Core.Disclosure;

public enum ColumnType
{
    Text,
    Integer,
    Boolean,
    /// <summary>An instant, written as <see cref="LegalDates.Instant"/>.</summary>
    Time,
}

public sealed record Column(string Name, ColumnType Type, string Description);

/// <summary>
/// One table of a category: its file name (without extension; it is written as NAME.csv and NAME.json)
/// and its columns. The columns are the allowlist: a generator can only write what a table declares,
/// so nothing reaches a package by accident (no password hash, token hash, TOTP secret, ...).
/// </summary>
public sealed record TableSpec(string Name, string Description, IReadOnlyList<Column> Columns)
{
    public static Column Text(string name, string description) => new(name, ColumnType.Text, description);
    public static Column Integer(string name, string description) => new(name, ColumnType.Integer, description);
    public static Column Boolean(string name, string description) => new(name, ColumnType.Boolean, description);
    public static Column Time(string name, string description) => new(name, ColumnType.Time, description);
}

/// <summary>A written file of a package: where it sits in the zip, its SHA-256 and how many rows it holds.</summary>
public sealed record PackageFile(string Path, string Sha256, long Rows);

/// <summary>A table once written: both files, and the first rows as text for the review report.</summary>
public sealed record WrittenTable(TableSpec Spec, long Rows, PackageFile Csv, PackageFile Json, IReadOnlyList<string[]> Preview);
