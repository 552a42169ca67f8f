using Cheeseshop.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Cheeseshop.Tests.Repository;

/// <summary>
/// Rules of the code base that a reviewer would otherwise have to remember, checked on the sources as the
/// compiler parses them (so a rule about comments reads comments, not string literals).
/// </summary>
public sealed class CodeRulesTests
{
    private const int MaxMethodLines = 80;

    /// <summary>Written by tools, not by hand: EF migrations and compiled models, build output.</summary>
    private static readonly string[] Generated = ["/obj/", "/bin/", "/Migrations/", "/CompiledModels/"];

    [Fact]
    public void No_hand_written_method_is_over_80_lines()
    {
        var tooLong = new List<string>();
        foreach (var (path, root) in Sources("src"))
        {
            foreach (var node in root.DescendantNodes())
            {
                if (node is not (BaseMethodDeclarationSyntax or AccessorDeclarationSyntax or LocalFunctionStatementSyntax)) continue;
                var lines = node.SyntaxTree.GetLineSpan(node.Span);
                var count = lines.EndLinePosition.Line - lines.StartLinePosition.Line + 1;
                if (count > MaxMethodLines) tooLong.Add($"{path}:{lines.StartLinePosition.Line + 1} ({count} lines)");
            }
        }
        Assert.True(tooLong.Count == 0, "Methods over " + MaxMethodLines + " lines:\n  " + string.Join("\n  ", tooLong));
    }

    [Fact]
    public void Only_the_data_folder_asks_which_database_it_is_on()
    {
        var found = Sources("src")
            .Where(s => !s.Path.StartsWith("src/Cheeseshop/Data/", StringComparison.Ordinal))
            .SelectMany(s => s.Root.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Where(i => i.Identifier.ValueText == "IsPostgres")
                .Select(i => Where(s.Path, i)))
            .ToList();
        Assert.True(found.Count == 0, "IsPostgres outside src/Cheeseshop/Data:\n  " + string.Join("\n  ", found));
    }

    [Fact]
    public void Time_comes_from_the_one_clock()
    {
        var found = Sources("src")
            .SelectMany(s => s.Root.DescendantNodes().OfType<MemberAccessExpressionSyntax>()
                .Where(m => m.Expression.ToString() is "DateTime" or "DateTimeOffset" or "System.DateTime" or "System.DateTimeOffset"
                            && m.Name.Identifier.ValueText is "Now" or "UtcNow" or "Today")
                .Select(m => Where(s.Path, m) + " " + m))
            .ToList();
        Assert.True(found.Count == 0, "Time read around TimeProvider:\n  " + string.Join("\n  ", found));
    }

    [Fact]
    public void No_comment_points_outside_the_repository()
    {
        var found = Sources("src").Concat(Sources("tests"))
            .SelectMany(s => s.Root.DescendantTrivia(descendIntoTrivia: true)
                .Where(t => t.IsKind(SyntaxKind.SingleLineCommentTrivia) || t.IsKind(SyntaxKind.MultiLineCommentTrivia)
                            || t.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia)
                            || t.IsKind(SyntaxKind.MultiLineDocumentationCommentTrivia))
                .Where(t => t.ToFullString().Contains("shared/", StringComparison.Ordinal))
                .Select(t => $"{s.Path}:{t.GetLocation().GetLineSpan().StartLinePosition.Line + 1}"))
            .ToList();
        Assert.True(found.Count == 0, "Comments naming shared/:\n  " + string.Join("\n  ", found));
    }

    private static string Where(string path, SyntaxNode node) =>
        $"{path}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1}";

    private static readonly Dictionary<string, Lazy<List<(string Path, SyntaxNode Root)>>> Parsed = new()
    {
        ["src"] = new(() => Parse("src")),
        ["tests"] = new(() => Parse("tests")),
    };

    /// <summary>Every hand-written C# file under a top folder of the repository, parsed once for all the rules.</summary>
    private static List<(string Path, SyntaxNode Root)> Sources(string top) => Parsed[top].Value;

    /// <summary>Parses the hand-written C# files under <paramref name="top"/>; paths relative, with '/'.</summary>
    private static List<(string Path, SyntaxNode Root)> Parse(string top)
    {
        var root = RepositoryRoot.Path;
        var files = Directory.EnumerateFiles(Path.Combine(root, top), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !Generated.Any(g => ("/" + f).Contains(g, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        return files.Select(file => (file, CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(root, file)), path: file).GetRoot())).ToList();
    }
}
