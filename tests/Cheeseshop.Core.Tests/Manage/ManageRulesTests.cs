using Cheeseshop.Core.Manage;

namespace Cheeseshop.Core.Tests.Manage;

public class ManageRulesTests
{
    [Theory]
    [InlineData("Cheese-Shop", "Cheese-Shop", "")]
    [InlineData("  Cheese-Shop ", "Cheese-Shop", "")]
    [InlineData("cheese-shop", "Cheese-Shop", "Nothing was deleted: 'cheese-shop' is not the same as 'Cheese-Shop'. Type the project name exactly as shown.")]
    [InlineData("Cheese_Shop", "Cheese-Shop", "Nothing was deleted: 'Cheese_Shop' is not the same as 'Cheese-Shop'. Type the project name exactly as shown.")]
    [InlineData("", "Cheese-Shop", "Nothing was deleted: type the project name, Cheese-Shop, to confirm.")]
    [InlineData(null, "Cheese-Shop", "Nothing was deleted: type the project name, Cheese-Shop, to confirm.")]
    public void Deletion_needs_the_name_typed_exactly(string? typed, string name, string problem) =>
        Assert.Equal(problem, ManageRules.ConfirmProjectName(typed, name) ?? "");

    [Theory]
    [InlineData("project:release:yank", "{\"canonical_version\":\"1.0\",\"yanked_reason\":\"broken\"}", "Release 1.0 yanked: broken")]
    [InlineData("project:release:yank", "{\"canonical_version\":\"1.0\",\"yanked_reason\":\"\"}", "Release 1.0 yanked")]
    [InlineData("project:release:unyank", "{\"canonical_version\":\"1.0\"}", "Release 1.0 un-yanked")]
    [InlineData("project:release:remove", "{\"canonical_version\":\"2.0\"}", "Release 2.0 deleted")]
    [InlineData("file:add", "{\"filename\":\"a-1.0.tar.gz\",\"canonical_version\":\"1.0\",\"authenticated_by\":\"token\"}", "File a-1.0.tar.gz uploaded to 1.0 (with token)")]
    [InlineData("file:remove", "{\"filename\":\"a-1.0.tar.gz\",\"canonical_version\":\"1.0\"}", "File a-1.0.tar.gz deleted from 1.0")]
    [InlineData("project:role:change", "{\"target_user\":\"bob\",\"role_name\":\"Owner\"}", "bob is now Owner")]
    [InlineData("project:create", "{}", "Project created")]
    [InlineData("project:something:new", "{}", "project:something:new")]
    [InlineData("file:remove", "", "File  deleted from ")]
    [InlineData("file:remove", "[1]", "File  deleted from ")]
    public void Events_read_as_sentences(string tag, string json, string expected) =>
        Assert.Equal(expected, ManageRules.Describe(tag, json));
}
