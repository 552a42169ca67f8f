using System.Reflection;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("Cheeseshop.Tests.Infrastructure.LongestFirst", "Cheeseshop.Tests")]

namespace Cheeseshop.Tests.Infrastructure;

/// <summary>Marks a test class whose tests take long together (browsers, real pip and twine, killed processes): it
/// starts before the others.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class LongRunningAttribute : Attribute;

/// <summary>
/// Starts the <see cref="LongRunningAttribute"/> classes first, then the rest, each group by name. The classes
/// run a few at once and the processor is busy throughout, so the run ends when the last class does: one long
/// class started late would run on alone at the end.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string PerClassPrefix = "Test collection for ";

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.OrderByDescending(IsLong).ThenBy(c => c.DisplayName, StringComparer.Ordinal);

    private static bool IsLong(ITestCollection collection) =>
        collection.DisplayName.StartsWith(PerClassPrefix, StringComparison.Ordinal)
        && typeof(LongestFirst).Assembly.GetType(collection.DisplayName[PerClassPrefix.Length..]) is { } type
        && type.GetCustomAttribute<LongRunningAttribute>() is not null;
}
