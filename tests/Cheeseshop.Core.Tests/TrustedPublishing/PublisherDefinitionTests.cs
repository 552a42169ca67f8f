using Cheeseshop.Core.TrustedPublishing;

namespace Cheeseshop.Core.Tests.TrustedPublishing;

public sealed class PublisherDefinitionTests
{
    [Theory]
    [InlineData("github", "octo/cheese", "release.yml", null, null)]
    [InlineData("github", "octo-org/cheese.py", "publish.yaml", "pypi", null)]
    [InlineData("github", "octo", "release.yml", null, "not a GitHub repository")]
    [InlineData("github", "octo/cheese/extra", "release.yml", null, "not a GitHub repository")]
    [InlineData("github", "-octo/cheese", "release.yml", null, "not a GitHub repository")]
    [InlineData("github", "octo/cheese", ".github/workflows/release.yml", null, "not a workflow file name")]
    [InlineData("github", "octo/cheese", "release", null, "not a workflow file name")]
    [InlineData("github", "octo/cheese", "release.yml", "", "environment, when given, must not be empty")]
    [InlineData("gitlab", "group/sub/cheese", ".gitlab-ci.yml", null, null)]
    [InlineData("gitlab", "group/sub/cheese", "ci/release.yaml", "prod", null)]
    [InlineData("gitlab", "cheese", ".gitlab-ci.yml", null, "not a GitLab project")]
    [InlineData("gitlab", "group/cheese", "/.gitlab-ci.yml", null, "not a CI configuration path")]
    [InlineData("gitlab", "group/cheese", "ci.json", null, "not a CI configuration path")]
    [InlineData("gitlab", "group/cheese", "ci.yml@main", null, "not a CI configuration path")]
    public void CiPublishers(string kind, string repository, string workflow, string? environment, string? problem)
    {
        Assert.True(PublisherDefinition.TryParseKind(kind, out var k));
        var spec = k == IssuerKind.GitHub ? PublisherSpec.GitHub(repository, workflow, environment) : PublisherSpec.GitLab(repository, workflow, environment);
        Expect(problem, PublisherDefinition.Problem(spec));
    }

    [Theory]
    [InlineData("ci:cheese", "", null)]
    [InlineData("ci:cheese", "team=cheddar", null)]
    [InlineData("", "", "needs the exact 'sub' claim")]
    [InlineData("  ", "", "needs the exact 'sub' claim")]
    [InlineData("ci:cheese", "aud=cheeseshop", "checked by the token's validation itself")]
    [InlineData("ci:cheese", "iss=https://x", "checked by the token's validation itself")]
    [InlineData("ci:cheese", "bad name=x", "is not a claim name")]
    [InlineData("ci:cheese", "a=1;b=2;c=3;d=4;e=5;f=6;g=7;h=8;i=9;j=10;k=11", "at most 10 extra claims")]
    public void GenericPublishers(string subject, string extra, string? problem)
    {
        var claims = extra.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Expect(problem, PublisherDefinition.Problem(PublisherSpec.Generic(subject, claims)));
    }

    [Fact]
    public void ValuesAreBounded()
    {
        Expect("at most 200 characters", PublisherDefinition.Problem(PublisherSpec.Generic(new string('s', 201))));
        Expect("without control characters", PublisherDefinition.Problem(PublisherSpec.Generic("ci\ncheese")));
    }

    [Theory]
    [InlineData("github", true)]
    [InlineData("GitLab", true)]
    [InlineData("generic", true)]
    [InlineData("bitbucket", false)]
    [InlineData("", false)]
    public void Kinds(string text, bool ok) => Assert.Equal(ok, PublisherDefinition.TryParseKind(text, out _));

    [Theory]
    [InlineData("team=cheddar", "team", "cheddar")]
    [InlineData("ref=refs/heads/a=b", "ref", "refs/heads/a=b")]
    [InlineData("empty=", "empty", "")]
    [InlineData("=x", null, null)]
    [InlineData("novalue", null, null)]
    public void ClaimArguments(string text, string? name, string? value)
    {
        var ok = PublisherDefinition.TryParseClaim(text, out var n, out var v);
        Assert.Equal(name is not null, ok);
        if (ok) { Assert.Equal(name, n); Assert.Equal(value, v); }
    }

    [Fact]
    public void Display()
    {
        Assert.Equal("GitHub octo/cheese, workflow release.yml, environment pypi", PublisherSpec.GitHub("octo/cheese", "release.yml", "pypi").Display);
        Assert.Equal("GitLab g/cheese, CI config .gitlab-ci.yml", PublisherSpec.GitLab("g/cheese", ".gitlab-ci.yml").Display);
        Assert.Equal("sub ci:x, a=1, b=2", PublisherSpec.Generic("ci:x", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }).Display);
    }

    // Two publishers are the same when they ask exactly the same of a token (a token minted through one uploads
    // to the projects of both).
    [Theory]
    [InlineData("github octo/cheese release.yml pypi", "github octo/cheese release.yml pypi", true)]
    [InlineData("github octo/cheese release.yml pypi", "github octo/cheese release.yml -", false)]
    [InlineData("github octo/cheese release.yml -", "github octo/cheese deploy.yml -", false)]
    [InlineData("github octo/cheese release.yml -", "gitlab octo/cheese release.yml -", false)]
    [InlineData("generic ci:x a=1,b=2", "generic ci:x b=2,a=1", true)]
    [InlineData("generic ci:x a=1", "generic ci:x a=1,b=2", false)]
    [InlineData("generic ci:x a=1", "generic ci:x a=2", false)]
    [InlineData("generic ci:x -", "generic ci:y -", false)]
    public void Same_publisher(string a, string b, bool same)
    {
        Assert.Equal(same, Spec(a).SameAs(Spec(b)));
        Assert.Equal(same, Spec(b).SameAs(Spec(a)));
    }

    private static PublisherSpec Spec(string text)
    {
        var p = text.Split(' ');
        return p[0] switch
        {
            "github" => PublisherSpec.GitHub(p[1], p[2], p[3] == "-" ? null : p[3]),
            "gitlab" => PublisherSpec.GitLab(p[1], p[2], p[3] == "-" ? null : p[3]),
            _ => PublisherSpec.Generic(p[1], p[2] == "-" ? null : p[2].Split(',').ToDictionary(c => c.Split('=')[0], c => c.Split('=')[1])),
        };
    }

    private static void Expect(string? problem, string? actual)
    {
        if (problem is null) Assert.Null(actual);
        else Assert.Contains(problem, actual ?? "(accepted)");
    }
}
