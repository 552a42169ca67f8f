using Cheeseshop.Core.TrustedPublishing;

namespace Cheeseshop.Core.Tests.TrustedPublishing;

/// <summary>
/// Publisher claim matching as a table. Claims are written "name=value;name=value"; the expected outcome is
/// "match" or a fragment of the refusal, which must name the claim that failed.
/// </summary>
public sealed class PublisherMatchTests
{
    private const string GoodGitHub =
        "repository=octo/cheese;repository_owner=octo;job_workflow_ref=octo/cheese/.github/workflows/release.yml@refs/tags/v1;environment=pypi";

    [Theory]
    [InlineData(GoodGitHub, null, "match")]
    [InlineData(GoodGitHub, "pypi", "match")]
    [InlineData(GoodGitHub, "PyPI", "match")] // GitHub environments are case-insensitive
    [InlineData(GoodGitHub, "release", "'environment' is pypi, not release")]
    [InlineData("repository=Octo/Cheese;job_workflow_ref=Octo/Cheese/.github/workflows/release.yml@refs/heads/main", null, "match")]
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/.github/workflows/release.yml@refs/heads/main", "pypi", "no 'environment' claim")]
    [InlineData("repository=octo/cheddar;job_workflow_ref=octo/cheddar/.github/workflows/release.yml@refs/heads/main", null, "'repository' is octo/cheddar")]
    [InlineData("job_workflow_ref=octo/cheese/.github/workflows/release.yml@refs/heads/main", null, "no 'repository' claim")]
    [InlineData("repository=octo/cheese", null, "no 'job_workflow_ref' claim")]
    // Another workflow of the same repository, a workflow name that only starts the same, a file of
    // another repository (a reusable workflow), a file name in another case, no ref at all.
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/.github/workflows/test.yml@refs/heads/main", null, "'job_workflow_ref' is")]
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/.github/workflows/release.yml.bak@refs/heads/main", null, "'job_workflow_ref' is")]
    [InlineData("repository=octo/cheese;job_workflow_ref=evil/cheese/.github/workflows/release.yml@refs/heads/main", null, "'job_workflow_ref' is")]
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/.github/workflows/Release.yml@refs/heads/main", null, "'job_workflow_ref' is")]
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/.github/workflows/release.yml", null, "'job_workflow_ref' is")]
    [InlineData("repository=octo/cheese;job_workflow_ref=octo/cheese/sub/.github/workflows/release.yml@x", null, "'job_workflow_ref' is")]
    public void GitHub(string claims, string? environment, string expected) =>
        Check(PublisherSpec.GitHub("octo/cheese", "release.yml", environment), claims, expected);

    private const string GoodGitLab = "project_path=group/sub/cheese;ci_config_ref_uri=gitlab.com/group/sub/cheese//.gitlab-ci.yml@refs/heads/main;environment=prod";

    [Theory]
    [InlineData(GoodGitLab, ".gitlab-ci.yml", null, "match")]
    [InlineData(GoodGitLab, ".gitlab-ci.yml", "prod", "match")]
    [InlineData(GoodGitLab, ".gitlab-ci.yml", "Prod", "'environment' is prod, not Prod")] // GitLab's are case-sensitive
    [InlineData(GoodGitLab, "ci/release.yml", null, "'ci_config_ref_uri' is")]
    [InlineData("project_path=group/sub/cheese;ci_config_ref_uri=gitlab.com/group/sub/cheese//ci/release.yml@refs/tags/v1", "ci/release.yml", null, "match")]
    [InlineData("project_path=group/other;ci_config_ref_uri=gitlab.com/group/other//.gitlab-ci.yml@refs/heads/main", ".gitlab-ci.yml", null, "'project_path' is group/other")]
    [InlineData("project_path=group/sub/cheese;ci_config_ref_uri=gitlab.com/evil/cheese//.gitlab-ci.yml@refs/heads/main", ".gitlab-ci.yml", null, "'ci_config_ref_uri' is")]
    [InlineData("project_path=group/sub/cheese;ci_config_ref_uri=gitlab.com/group/sub/cheese/.gitlab-ci.yml@refs/heads/main", ".gitlab-ci.yml", null, "'ci_config_ref_uri' is")]
    [InlineData("project_path=group/sub/cheese", ".gitlab-ci.yml", null, "no 'ci_config_ref_uri' claim")]
    [InlineData("ci_config_ref_uri=gitlab.com/group/sub/cheese//.gitlab-ci.yml@refs/heads/main", ".gitlab-ci.yml", null, "no 'project_path' claim")]
    public void GitLab(string claims, string configPath, string? environment, string expected) =>
        Check(PublisherSpec.GitLab("group/sub/cheese", configPath, environment), claims, expected);

    [Theory]
    [InlineData("sub=ci:cheese;team=cheddar;branch=main", "", "match")]
    [InlineData("sub=ci:cheese;team=cheddar;branch=main", "team=cheddar", "match")]
    [InlineData("sub=ci:cheese;team=cheddar;branch=main", "team=cheddar;branch=main", "match")]
    [InlineData("sub=ci:cheese;team=cheddar", "team=brie", "'team' is cheddar, not brie")]
    [InlineData("sub=ci:cheese", "team=cheddar", "no 'team' claim")]
    [InlineData("sub=CI:cheese", "", "'sub' is CI:cheese, not ci:cheese")] // sub is exact
    [InlineData("sub=ci:cheese2", "", "'sub' is ci:cheese2")]
    [InlineData("team=cheddar", "", "no 'sub' claim")]
    public void Generic(string claims, string extra, string expected) =>
        Check(PublisherSpec.Generic("ci:cheese", Parse(extra)), claims, expected);

    private static void Check(PublisherSpec spec, string claims, string expected)
    {
        var mismatch = PublisherMatch.Mismatch(spec, Parse(claims));
        if (expected == "match") Assert.Null(mismatch);
        else Assert.Contains(expected, mismatch ?? "(matched)");
    }

    private static Dictionary<string, string> Parse(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
