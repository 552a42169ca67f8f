using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class CategoriesTests
{
    [Fact]
    public void The_nine_keys_are_fixed_and_in_order()
    {
        Assert.Equal(["names", "addresses", "connection-records", "sessions", "length-of-service", "instrument-numbers", "payment", "packages", "download-logs"],
            Categories.All.Select(c => c.Key));
        Assert.Equal(Enumerable.Range(1, 9), Categories.All.Select(c => c.Number));
        Assert.Equal("03-connection-records", Categories.Get("connection-records").Folder);
        Assert.StartsWith("Telephone or instrument numbers", Categories.Get("instrument-numbers").Title);
    }

    [Fact]
    public void Requested_categories_are_checked_and_put_in_package_order()
    {
        Assert.Equal(Categories.Keys, Categories.ParseRequested(null));
        Assert.Equal(Categories.Keys, Categories.ParseRequested([]));
        Assert.Equal(["names", "packages"], Categories.ParseRequested(["packages", " NAMES "]));
        var e = Assert.Throws<DisclosureInputException>(() => Categories.ParseRequested(["names", "bank-details"]));
        Assert.Contains("--category 'bank-details' is not a disclosure category", e.Message);
        Assert.Equal("names packages", Categories.Join(["packages", "names"]));
        Assert.Equal(["names", "packages"], Categories.Split("names packages"));
    }

    [Fact]
    public void Kinds_and_outcomes_are_closed_lists()
    {
        Assert.Equal("court-order", RequestKinds.Parse("Court-Order"));
        Assert.Contains("is not a request kind", Assert.Throws<DisclosureInputException>(() => RequestKinds.Parse("letter")).Message);
        Assert.False(RequestKinds.PlacesHold(RequestKinds.DataSubject));
        Assert.True(RequestKinds.PlacesHold(RequestKinds.Preservation));
        Assert.False(RequestKinds.Produces(RequestKinds.Preservation));
        Assert.Equal("partial", RequestOutcomes.Parse("partial"));
        Assert.Throws<DisclosureInputException>(() => RequestOutcomes.Parse("done"));
        Assert.True(RequestOutcomes.DisclosedSomething("produced"));
        Assert.False(RequestOutcomes.DisclosedSomething("withdrawn"));
    }
}
