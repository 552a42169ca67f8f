using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class ProjectNameIsNormalizedTests
{
    [Theory]
    [InlineData("friendly-bard")]
    [InlineData("Friendly-Bard")]
    [InlineData("FRIENDLY-BARD")]
    [InlineData("friendly.bard")]
    [InlineData("friendly_bard")]
    [InlineData("friendly--bard")]
    [InlineData("FrIeNdLy-._.-bArD")]
    [InlineData("a")]
    [InlineData("zope.interface")]
    public void Agrees_with_normalize(string name) =>
        Assert.Equal(ProjectName.Normalize(name) == name, ProjectName.IsNormalized(name));
}
