using Cheeseshop.Core.Disclosure;

namespace Cheeseshop.Core.Tests.Disclosure;

public class EventDetailsTests
{
    [Fact]
    public void Only_allowlisted_keys_pass_sorted_and_the_client_fields_are_taken_apart()
    {
        var view = EventDetails.Read("""{"user_agent":"twine/6.1.0 CPython/3.11.7","country_code":"NL","token_id":"0b1c","project_id":"x","role_name":"Owner","submitted_by":"bob","nested":{"a":1},"email":"a@example.org"}""");
        Assert.Equal("""{"email":"a@example.org","role_name":"Owner","submitted_by":"bob"}""", view.Details);
        Assert.Equal("twine/6.1.0 CPython/3.11.7", view.UserAgent);
        Assert.Equal("NL", view.CountryCode);
        Assert.Equal("bob", view.Actor);
        Assert.Equal(("twine", "6.1.0"), (EventDetails.ParseUserAgent(view.UserAgent).Name, EventDetails.ParseUserAgent(view.UserAgent).Version));
    }

    [Fact]
    public void An_event_is_anothers_when_it_names_another_actor()
    {
        Assert.True(EventDetails.CausedByAnother(EventDetails.Read("""{"submitted_by":"bob"}"""), ["alice", "alicia"]));
        Assert.False(EventDetails.CausedByAnother(EventDetails.Read("""{"submitted_by":"ALICIA"}"""), ["alice", "alicia"]));
        Assert.False(EventDetails.CausedByAnother(EventDetails.Read("""{"email":"x@example.org"}"""), ["alice"]));
        Assert.Contains("account:email:sent", EventDetails.IndirectTags);
    }

    [Fact]
    public void Malformed_details_disclose_nothing() =>
        Assert.Equal("{}", EventDetails.Read("{not json").Details);
}
