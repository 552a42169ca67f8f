using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class ProjectNameTests
{
    // PEP 503 / the name normalization specification's examples.
    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("Foo", "foo")]
    [InlineData("fOo", "foo")]
    [InlineData("foo.bar", "foo-bar")]
    [InlineData("Foo.Bar", "foo-bar")]
    [InlineData("Foo.....Bar", "foo-bar")]
    [InlineData("foo_bar", "foo-bar")]
    [InlineData("foo___bar", "foo-bar")]
    [InlineData("foo-bar", "foo-bar")]
    [InlineData("foo----bar", "foo-bar")]
    [InlineData("Friendly-Bard", "friendly-bard")]
    [InlineData("FRIENDLY-BARD", "friendly-bard")]
    [InlineData("friendly.bard", "friendly-bard")]
    [InlineData("friendly_bard", "friendly-bard")]
    [InlineData("friendly--bard", "friendly-bard")]
    [InlineData("FrIeNdLy-._.-bArD", "friendly-bard")]
    public void Normalize(string name, string expected) => Assert.Equal(expected, ProjectName.Normalize(name));

    [Theory]
    [InlineData("a")]
    [InlineData("A1")]
    [InlineData("foo")]
    [InlineData("foo-bar")]
    [InlineData("foo_bar")]
    [InlineData("foo.bar")]
    [InlineData("zope.interface")]
    [InlineData("Django")]
    [InlineData("0")]
    [InlineData("a-._b")]
    public void Valid(string name) => Assert.True(ProjectName.IsValid(name));

    [Theory]
    [InlineData("")]
    [InlineData("-foo")]
    [InlineData("foo-")]
    [InlineData("_foo")]
    [InlineData(".foo")]
    [InlineData("foo.")]
    [InlineData("foo bar")]
    [InlineData("foo#bar")]
    [InlineData("foo/bar")]
    [InlineData("fóo")]
    [InlineData("\u212A")] // Kelvin sign: case-folds to 'k' but is not ASCII
    [InlineData("foo\n")]
    public void Invalid(string name) => Assert.False(ProjectName.IsValid(name));
}
