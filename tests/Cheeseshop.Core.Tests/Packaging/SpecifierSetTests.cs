using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class SpecifierSetTests
{
    private static bool Contains(string specifiers, string version, bool prereleases) =>
        SpecifierSet.Parse(specifiers).Contains(PackageVersion.Parse(version), prereleases);

    [Theory]
    [InlineData("~=2.0")]
    [InlineData("==2.1.*")]
    [InlineData("==2.1.0.3")]
    [InlineData("!=2.2.*")]
    [InlineData("!=2.2.0.5")]
    [InlineData("<=5")]
    [InlineData(">=7.9a1")]
    [InlineData("<1.0.dev1")]
    [InlineData(">2.0.post1")]
    [InlineData("===lolwat")]
    [InlineData("==1.0+local")]
    [InlineData("!=1.0+deadbeef")]
    [InlineData("== 1.0")]
    [InlineData("  >= 3.8 ,  != 3.9.* ")]
    [InlineData(">=3.8,<4")]
    [InlineData(">=1,,<2")]
    [InlineData(">=3.8,")]
    [InlineData("==v1.0.*")]
    [InlineData("~=2!1.0")]
    [InlineData("")]
    [InlineData("   ")]
    public void Valid(string text)
    {
        Assert.True(SpecifierSet.TryParse(text, out var set), text);
        Assert.NotNull(set);
    }

    // The packaging library's invalid specifier examples, plus a few of our own.
    [Theory]
    [InlineData("2.0")] // no operator
    [InlineData("=>2.0")] // invalid operator
    [InlineData("==")] // no version
    [InlineData("~=1.0+5")] // local segment on operators that do not take one
    [InlineData(">=1.0+deadbeef")]
    [InlineData("<=1.0+abc123")]
    [InlineData(">1.0+watwat")]
    [InlineData("<1.0+1.0")]
    [InlineData("~=1.0.*")] // prefix matching on operators that do not take it
    [InlineData(">=1.0.*")]
    [InlineData("<=1.0.*")]
    [InlineData(">1.0.*")]
    [InlineData("<1.0.*")]
    [InlineData("==1.0.*+5")] // both local and prefix
    [InlineData("!=1.0.*+deadbeef")]
    [InlineData("==2.0a1.*")] // prefix with a pre, post, dev or local part
    [InlineData("!=2.0a1.*")]
    [InlineData("==2.0.post1.*")]
    [InlineData("!=2.0.post1.*")]
    [InlineData("==2.0.dev1.*")]
    [InlineData("!=2.0.dev1.*")]
    [InlineData("==1.0+5.*")]
    [InlineData("!=1.0+deadbeef.*")]
    [InlineData("==1.0.*.5")] // prefix must come last
    [InlineData("~=1")] // ~= needs two release segments
    [InlineData("==1.2+\u0130")] // non-ASCII letter that case-folds into [a-z]
    [InlineData("==1.2+\u0130\u0131\u017fK")]
    [InlineData(">=3.8, foo")]
    [InlineData(">=1.0 a1")]
    [InlineData("=== foo bar")]
    [InlineData("===")]
    [InlineData(">=3.8;")]
    [InlineData(">= 3.8 || <2")]
    public void Invalid(string text)
    {
        Assert.False(SpecifierSet.TryParse(text, out var set), text);
        Assert.Null(set);
        Assert.Throws<FormatException>(() => SpecifierSet.Parse(text));
    }

    [Fact]
    public void NullIsNotASpecifierSet() => Assert.False(SpecifierSet.TryParse(null!, out _));

    // Every normalization spelling is accepted after each operator (packaging's tests).
    [Theory]
    [InlineData("1.0dev")]
    [InlineData("1.0-DEV1")]
    [InlineData("1.0.alpha1")]
    [InlineData("1.0-BETA")]
    [InlineData("1.0.C1")]
    [InlineData("1.0-RC1")]
    [InlineData("1.0POST")]
    [InlineData("1.0-5")]
    [InlineData("1.0+AbC")]
    [InlineData("1.01")]
    [InlineData("1.0c056")]
    [InlineData("1.1.dev09000")]
    [InlineData("00!1.2")]
    [InlineData("v1.0")]
    [InlineData("  \r \f \v v1.0\t\n")]
    public void NormalizableVersionsAfterEveryOperator(string version)
    {
        var ops = version.Contains('+') ? new[] { "==", "!=" } : new[] { "~=", "==", "!=", "<=", ">=", "<", ">" };
        foreach (var op in ops) Assert.True(SpecifierSet.TryParse(op + version, out _), op + version);
    }

    [Theory]
    [InlineData("!=2.0", "!=2.0")]
    [InlineData("<2.0", "<2.0")]
    [InlineData("~=2.0", "~=2.0")]
    [InlineData("< 2", "<2")]
    [InlineData(" >= 3.8 , != 3.9.* ", "!=3.9.*,>=3.8")]
    [InlineData(">=2.0,<3,==2.4", "<3,==2.4,>=2.0")]
    [InlineData(">=1.0,>=1.0", ">=1.0")]
    [InlineData("", "")]
    public void ToStringSortsLikeThePackagingLibrary(string text, string expected) =>
        Assert.Equal(expected, SpecifierSet.Parse(text).ToString());

    [Fact]
    public void SpecifiersKeepTheirOrder() =>
        Assert.Equal([">=3.8", "!=3.9.*"], SpecifierSet.Parse(" >= 3.8 , != 3.9.* ").Specifiers);

    // The packaging library's containment table (tests/test_specifiers.py, run with prereleases
    // allowed), plus the pre/post/local edge cases of its newer releases.
    [Theory]
    // Equality
    [InlineData("2.0", "==2", true)]
    [InlineData("2.0", "==2.0", true)]
    [InlineData("2.0", "==2.0.0", true)]
    [InlineData("2.0+deadbeef", "==2", true)]
    [InlineData("2.0+deadbeef", "==2.0", true)]
    [InlineData("2.0+deadbeef", "==2.0.0", true)]
    [InlineData("2.0+deadbeef", "==2+deadbeef", true)]
    [InlineData("2.0+deadbeef", "==2.0+deadbeef", true)]
    [InlineData("2.0+deadbeef", "==2.0.0+deadbeef", true)]
    [InlineData("2.0+deadbeef.0", "==2.0.0+deadbeef.00", true)]
    [InlineData("2.1", "==2", false)]
    [InlineData("2.1", "==2.0", false)]
    [InlineData("2.1", "==2.0.0", false)]
    [InlineData("2.0", "==2.0+deadbeef", false)]
    // Equality with a prefix
    [InlineData("2.dev1", "==2.*", true)]
    [InlineData("2a1", "==2.*", true)]
    [InlineData("2a1.post1", "==2.*", true)]
    [InlineData("2b1", "==2.*", true)]
    [InlineData("2b1.dev1", "==2.*", true)]
    [InlineData("2c1", "==2.*", true)]
    [InlineData("2c1.post1.dev1", "==2.*", true)]
    [InlineData("2c1.post1.dev1", "==2.0.*", true)]
    [InlineData("2rc1", "==2.*", true)]
    [InlineData("2rc1", "==2.0.*", true)]
    [InlineData("2", "==2.*", true)]
    [InlineData("2", "==2.0.*", true)]
    [InlineData("2", "==2.0.0.*", true)]
    [InlineData("2", "==0!2.*", true)]
    [InlineData("0!2", "==2.*", true)]
    [InlineData("2.0", "==2.*", true)]
    [InlineData("2.0.0", "==2.*", true)]
    [InlineData("2.0.0.0", "==2.0.*", true)]
    [InlineData("2.1+local.version", "==2.1.*", true)]
    [InlineData("2.0", "==3.*", false)]
    [InlineData("2.1", "==2.0.*", false)]
    [InlineData("3", "==2.0.0.*", false)]
    [InlineData("2.1.0.0", "==2.0.*", false)]
    [InlineData("1.2", "==1.20.*", false)]
    // Inequality
    [InlineData("2.1", "!=2", true)]
    [InlineData("2.1", "!=2.0", true)]
    [InlineData("2.0.1", "!=2", true)]
    [InlineData("2.0.1", "!=2.0", true)]
    [InlineData("2.0.1", "!=2.0.0", true)]
    [InlineData("2.0", "!=2.0+deadbeef", true)]
    [InlineData("2.0", "!=2", false)]
    [InlineData("2.0", "!=2.0", false)]
    [InlineData("2.0", "!=2.0.0", false)]
    [InlineData("2.0+deadbeef", "!=2", false)]
    [InlineData("2.0+deadbeef", "!=2.0", false)]
    [InlineData("2.0+deadbeef", "!=2.0.0", false)]
    [InlineData("2.0+deadbeef", "!=2+deadbeef", false)]
    [InlineData("2.0+deadbeef", "!=2.0+deadbeef", false)]
    [InlineData("2.0+deadbeef", "!=2.0.0+deadbeef", false)]
    [InlineData("2.0+deadbeef.0", "!=2.0.0+deadbeef.00", false)]
    // Inequality with a prefix
    [InlineData("2.0", "!=3.*", true)]
    [InlineData("2.1", "!=2.0.*", true)]
    [InlineData("3", "!=2.0.0.*", true)]
    [InlineData("2.1.0.0", "!=2.0.*", true)]
    [InlineData("2.dev1", "!=2.*", false)]
    [InlineData("2a1", "!=2.*", false)]
    [InlineData("2a1.post1", "!=2.*", false)]
    [InlineData("2b1", "!=2.*", false)]
    [InlineData("2b1.dev1", "!=2.*", false)]
    [InlineData("2c1", "!=2.*", false)]
    [InlineData("2c1.post1.dev1", "!=2.*", false)]
    [InlineData("2c1.post1.dev1", "!=2.0.*", false)]
    [InlineData("2rc1", "!=2.*", false)]
    [InlineData("2rc1", "!=2.0.*", false)]
    [InlineData("2", "!=2.*", false)]
    [InlineData("2", "!=2.0.*", false)]
    [InlineData("2", "!=2.0.0.*", false)]
    [InlineData("2.0", "!=2.*", false)]
    [InlineData("2.0.0", "!=2.*", false)]
    [InlineData("2.0.0.0", "!=2.0.*", false)]
    // Greater than or equal
    [InlineData("2.0", ">=2", true)]
    [InlineData("2.0", ">=2.0", true)]
    [InlineData("2.0", ">=2.0.0", true)]
    [InlineData("2.0.post1", ">=2", true)]
    [InlineData("2.0.post1.dev1", ">=2", true)]
    [InlineData("3", ">=2", true)]
    [InlineData("3.0.0a8", ">=3.0.0a7", true)]
    [InlineData("2.0.dev1", ">=2", false)]
    [InlineData("2.0a1", ">=2", false)]
    [InlineData("2.0a1.dev1", ">=2", false)]
    [InlineData("2.0b1", ">=2", false)]
    [InlineData("2.0b1.post1", ">=2", false)]
    [InlineData("2.0c1", ">=2", false)]
    [InlineData("2.0c1.post1.dev1", ">=2", false)]
    [InlineData("2.0rc1", ">=2", false)]
    [InlineData("1", ">=2", false)]
    // Less than or equal
    [InlineData("2.0", "<=2", true)]
    [InlineData("2.0", "<=2.0", true)]
    [InlineData("2.0", "<=2.0.0", true)]
    [InlineData("2.0.dev1", "<=2", true)]
    [InlineData("2.0a1", "<=2", true)]
    [InlineData("2.0a1.dev1", "<=2", true)]
    [InlineData("2.0b1", "<=2", true)]
    [InlineData("2.0b1.post1", "<=2", true)]
    [InlineData("2.0c1", "<=2", true)]
    [InlineData("2.0c1.post1.dev1", "<=2", true)]
    [InlineData("2.0rc1", "<=2", true)]
    [InlineData("1", "<=2", true)]
    [InlineData("3.0.0a7", "<=3.0.0a8", true)]
    [InlineData("2.0+local", "<=2", true)]
    [InlineData("2.0.post1", "<=2", false)]
    [InlineData("2.0.post1.dev1", "<=2", false)]
    [InlineData("3", "<=2", false)]
    // Greater than
    [InlineData("3", ">2", true)]
    [InlineData("2.1", ">2.0", true)]
    [InlineData("2.0.1", ">2", true)]
    [InlineData("2.1.post1", ">2", true)]
    [InlineData("2.1+local.version", ">2", true)]
    [InlineData("3.0.0a8", ">3.0.0a7", true)]
    [InlineData("1", ">2", false)]
    [InlineData("2.0.dev1", ">2", false)]
    [InlineData("2.0a1", ">2", false)]
    [InlineData("2.0a1.post1", ">2", false)]
    [InlineData("2.0b1", ">2", false)]
    [InlineData("2.0b1.dev1", ">2", false)]
    [InlineData("2.0c1", ">2", false)]
    [InlineData("2.0c1.post1.dev1", ">2", false)]
    [InlineData("2.0rc1", ">2", false)]
    [InlineData("2.0", ">2", false)]
    [InlineData("2.0.post1", ">2", false)] // >V excludes post-releases of V
    [InlineData("2.0.post1.dev1", ">2", false)]
    [InlineData("2.0+local.version", ">2", false)] // ... and local versions of V
    [InlineData("2.0.post2", ">2.0.post1", true)] // unless V is itself a post-release
    [InlineData("2.0.post1+local", ">2.0.post1", false)]
    // Greater than with pre/dev/post/local parts
    [InlineData("1.0+local", ">1.0.dev1", true)]
    [InlineData("4.1.0a2.dev1235+local", ">4.1.0a2.dev1234", true)]
    [InlineData("4.1.0a2.dev1234+local", ">4.1.0a2.dev1234", false)]
    [InlineData("1.0a2+local", ">1.0a1", true)]
    [InlineData("1.0b2+local", ">1.0b1", true)]
    [InlineData("1.0rc2+local", ">1.0rc1", true)]
    [InlineData("1.0.post2+local", ">1.0.post1", true)]
    [InlineData("1.0.dev2+local", ">1.0.dev1", true)]
    [InlineData("1.0a1.dev2+local", ">1.0a1.dev1", true)]
    [InlineData("1.0.post1.dev2+local", ">1.0.post1.dev1", true)]
    [InlineData("1.0a1+local", ">1.0a1", false)]
    [InlineData("1.0b1+local", ">1.0b1", false)]
    [InlineData("1.0rc1+local", ">1.0rc1", false)]
    [InlineData("1.0.post1+local", ">1.0.post1", false)]
    [InlineData("1.0.dev1+local", ">1.0.dev1", false)]
    [InlineData("1.0a1.dev1+local", ">1.0a1.dev1", false)]
    [InlineData("1.0.post1.dev1+local", ">1.0.post1.dev1", false)]
    [InlineData("1.0.dev0", ">1.0.dev1", false)]
    [InlineData("1.0.dev2", ">1.0.dev1", true)]
    [InlineData("1.0.post0", ">1.0.dev1", true)] // post-releases of 1.0 are not post-releases of 1.0.dev1
    [InlineData("1.0.post1", ">1.0.dev0", true)]
    [InlineData("1.0.post0", ">1.0a1", true)]
    [InlineData("1.0.post0", ">1.0rc1", true)]
    [InlineData("1.0a1.post0", ">1.0a1", false)] // ... but a post-release of 1.0a1 is
    [InlineData("1.0b2.post0", ">1.0b2", false)]
    [InlineData("1.0rc1.post0", ">1.0rc1", false)]
    [InlineData("1.0a2.post0", ">1.0a1", true)]
    [InlineData("1.0", ">1.0.dev1", true)]
    [InlineData("1.0a1", ">1.0.dev1", true)]
    [InlineData("1.0.post0", ">1.0", false)]
    [InlineData("2.0.post0", ">1.0", true)]
    [InlineData("0.9.post0", ">1.0", false)]
    // Less than
    [InlineData("1", "<2", true)]
    [InlineData("2.0", "<2.1", true)]
    [InlineData("2.0.dev0", "<2.1", true)]
    [InlineData("3.0.0a7", "<3.0.0a8", true)]
    [InlineData("2.0.dev1", "<2", false)] // <V excludes pre-releases of V
    [InlineData("2.0a1", "<2", false)]
    [InlineData("2.0a1.post1", "<2", false)]
    [InlineData("2.0b1", "<2", false)]
    [InlineData("2.0b2.dev1", "<2", false)]
    [InlineData("2.0c1", "<2", false)]
    [InlineData("2.0c1.post1.dev1", "<2", false)]
    [InlineData("2.0rc1", "<2", false)]
    [InlineData("2.0", "<2", false)]
    [InlineData("2.post1", "<2", false)]
    [InlineData("2.post1.dev1", "<2", false)]
    [InlineData("3", "<2", false)]
    [InlineData("2.0a1", "<2.0a2", true)] // unless V is itself a pre-release
    [InlineData("1.9.post1+local", "<2", true)]
    [InlineData("1.0.post1.dev0", "<1.0.post1", false)] // pre-releases of V.postN are excluded
    [InlineData("1.0.post0.dev0", "<1.0.post0", false)]
    [InlineData("1.0.dev0", "<1.0.post1", true)] // pre-releases of the base release are not
    [InlineData("1.0a1", "<1.0.post1", true)]
    [InlineData("1.0rc1", "<1.0.post1", true)]
    [InlineData("1.0.dev0", "<1.0.post0", true)]
    [InlineData("1.0rc2", "<1.0.post0", true)]
    [InlineData("1.0.post0.dev0", "<1.0.post1", true)]
    [InlineData("1.0.post1.dev0", "<1.0.post2", true)]
    [InlineData("1.0", "<1.0.post1", true)]
    [InlineData("1.0.post0", "<1.0.post1", true)]
    [InlineData("0.9", "<1.0.post1", true)]
    [InlineData("1.0.post9.dev0", "<1.0.post10", true)]
    [InlineData("1.0+local", "<1.0.post1", true)]
    [InlineData("1.0.post0+local", "<1.0.post1", true)]
    [InlineData("0.9.dev0", "<1.0.post1", true)]
    [InlineData("0", "<0", false)]
    // Compatible release
    [InlineData("1", "~=1.0", true)]
    [InlineData("1.0.1", "~=1.0", true)]
    [InlineData("1.1", "~=1.0", true)]
    [InlineData("1.9999999", "~=1.0", true)]
    [InlineData("1.1", "~=1.0a1", true)]
    [InlineData("2022.01.01", "~=2022.01.01", true)]
    [InlineData("2.0", "~=1.0", false)]
    [InlineData("1.1.0", "~=1.0.0", false)]
    [InlineData("1.1.post1", "~=1.0.0", false)]
    [InlineData("1.4.2", "~=1.4.2", true)]
    [InlineData("1.4.3.dev1", "~=1.4.2", true)]
    [InlineData("1.4.3a1", "~=1.4.2", true)]
    [InlineData("1.4.3", "~=1.4.2", true)]
    [InlineData("1.4.3.post1", "~=1.4.2", true)]
    [InlineData("1.4.3+local", "~=1.4.2", true)]
    [InlineData("1.4.1", "~=1.4.2", false)]
    [InlineData("1.4.1.post1", "~=1.4.2", false)]
    [InlineData("1.5.0.dev0", "~=1.4.2", false)]
    [InlineData("1.5.0a1", "~=1.4.2", false)]
    [InlineData("1.5.0", "~=1.4.2", false)]
    [InlineData("2.0+local", "~=1.4.2", false)]
    [InlineData("2.2.post3", "~=2.2.post3", true)] // PEP 440: ~=2.2.post3 is >=2.2.post3, ==2.*
    [InlineData("2.9", "~=2.2.post3", true)]
    [InlineData("2.2", "~=2.2.post3", false)]
    [InlineData("1.4.5a4", "~=1.4.5a4", true)] // PEP 440: ~=1.4.5a4 is >=1.4.5a4, ==1.4.*
    [InlineData("1.4.9", "~=1.4.5a4", true)]
    [InlineData("1.5", "~=1.4.5a4", false)]
    // Epochs
    [InlineData("2!1.0", "~=2!1.0", true)]
    [InlineData("2!1.0", "==2!1.*", true)]
    [InlineData("2!1.0", "==2!1.0", true)]
    [InlineData("2!1.0", "!=1.0", true)]
    [InlineData("2!1.0.0", "==2!1.0.0.0.*", true)]
    [InlineData("2!1.0.0", "==2!1.0.*", true)]
    [InlineData("2!1.0.0", "==2!1.*", true)]
    [InlineData("1.0", "!=2!1.0", true)]
    [InlineData("1.0", "<=2!0.1", true)]
    [InlineData("2!1.0", ">=2.0", true)]
    [InlineData("1.0", "<2!0.1", true)]
    [InlineData("2!1.0", ">2.0", true)]
    [InlineData("1.0", "~=2!1.0", false)]
    [InlineData("2!1.0", "~=1.0", false)]
    [InlineData("2!1.0", "==1.0", false)]
    [InlineData("1.0", "==2!1.0", false)]
    [InlineData("2!1.0", "==1.0.0.*", false)]
    [InlineData("1.0", "==2!1.0.0.*", false)]
    [InlineData("2!1.0", "==1.*", false)]
    [InlineData("1.0", "==2!1.*", false)]
    [InlineData("2!1.0", "!=2!1.0", false)]
    // Normalization inside the specifier
    [InlineData("2.0.5", ">2.0dev", true)]
    [InlineData("1.0", "==V1.0.0", true)]
    // Arbitrary equality: a case-insensitive string match against the normalized version
    [InlineData("1.0", "===1.0", true)]
    [InlineData("1.0.0", "===1.0", false)]
    [InlineData("1.0.dev0", "===1.0", false)]
    [InlineData("1.0.dev0", "===1.0.dev0", true)]
    [InlineData("1.0+downstream1", "===1.0", false)]
    [InlineData("1.0", "===1.0+downstream1", false)]
    [InlineData("1.0a1", "===1.0A1", true)]
    [InlineData("1.0+LOCAL", "===1.0+local", true)]
    [InlineData("1.0A1.POST2.DEV3", "===1.0a1.post2.dev3", true)]
    [InlineData("01.0", "===1.0", true)]
    [InlineData("0!1.0", "===1.0", true)]
    [InlineData("1.0", "===0!1.0", false)]
    [InlineData("1.0.post1", "===1.0-1", false)]
    [InlineData("1.0-1", "===1.0.post1", true)]
    // Sets: every specifier must match
    [InlineData("3.9.1", ">=3.8, !=3.9.*", false)]
    [InlineData("3.10", ">=3.8, !=3.9.*", true)]
    [InlineData("3.7", ">=3.8, !=3.9.*", false)]
    [InlineData("2.7.18", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", true)]
    [InlineData("3.3.7", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", false)]
    [InlineData("3.5", ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", true)]
    [InlineData("1.5", ">=1.0,<2.0", true)]
    [InlineData("2.0", ">=1.0,<2.0", false)]
    [InlineData("5", "", true)]
    [InlineData("5+local", "", true)]
    public void ContainmentWithPrereleasesAllowed(string version, string specifiers, bool expected) =>
        Assert.Equal(expected, Contains(specifiers, version, prereleases: true));

    // Pre-release policy: excluded unless asked for, or unless a specifier names a pre-release.
    [Theory]
    [InlineData(">=1.0", "2.0.dev1", false, false)]
    [InlineData(">=1.0", "2.0.dev1", true, true)]
    [InlineData(">=1.0", "2.0", false, true)]
    [InlineData(">1.0", "2.0a1", false, false)]
    [InlineData(">1.0", "2.0a1", true, true)]
    [InlineData(">=2.0.dev1", "2.0a1", false, true)] // the specifier names a pre-release
    [InlineData(">=1.0.dev1", "2.0a1", false, true)]
    [InlineData(">1.0.dev1", "1.1.dev1", false, true)]
    [InlineData("<=2.0.dev1", "1.0a1", false, true)]
    [InlineData("~=1.0.dev1", "1.1a1", false, true)]
    [InlineData("==2.0a1", "2.0a1", false, true)]
    [InlineData("<2.0a1", "1.0a2", false, true)]
    [InlineData("<2.0a2", "2.0a1", false, true)]
    [InlineData("<=2.0", "1.0.dev1", false, false)]
    [InlineData("<=2.0", "1.0.dev1", true, true)]
    [InlineData("==2.0.*", "2.0a1.dev1", false, false)] // prefix matches do not name a pre-release
    [InlineData("==2.0.*", "2.0a1.dev1", true, true)]
    [InlineData("!=1.0.dev1", "2.0a1", false, false)] // nor does !=
    [InlineData("!=2.0a1", "1.0a2", false, false)]
    [InlineData("!=2.0a1", "1.0", false, true)]
    [InlineData("<2.0", "2.0a1", true, false)] // <V never takes V's pre-releases
    [InlineData(">=1.0, <2.0a1", "1.5a1", false, true)] // one pre-release specifier opens the set
    [InlineData(">=1.0, !=1.5a1", "1.6a1", false, false)]
    [InlineData("===1.0a1", "1.0a1", false, true)]
    [InlineData("", "1.0a1", false, false)]
    [InlineData("", "1.0a1", true, true)]
    [InlineData(">=3.8", "3.13.0rc1", false, false)]
    [InlineData(">=3.8", "3.13.0rc1", true, true)]
    [InlineData(">=3.8", "3.8.0.post1", false, true)] // post-releases are not pre-releases
    public void PrereleasePolicy(string specifiers, string version, bool prereleases, bool expected) =>
        Assert.Equal(expected, Contains(specifiers, version, prereleases));

    // The examples in PEP 440's "Version specifiers" section.
    [Theory]
    [InlineData("1.1.post1", "== 1.1.post1", true)]
    [InlineData("1.1.post1", "== 1.1", false)]
    [InlineData("1.1.post1", "== 1.1.*", true)]
    [InlineData("1.1.post1", "!= 1.1.post1", false)]
    [InlineData("1.1.post1", "!= 1.1", true)]
    [InlineData("1.1.post1", "!= 1.1.*", false)]
    [InlineData("1.7.1", ">1.7", true)]
    [InlineData("1.7.0.post1", ">1.7", false)]
    [InlineData("1.7.1", ">1.7.post2", true)]
    [InlineData("1.7.0.post3", ">1.7.post2", true)]
    [InlineData("1.7.0", ">1.7.post2", false)]
    [InlineData("3.1.dev0", "<3.1", false)]
    [InlineData("3.0.dev0", "<3.1", true)]
    [InlineData("1.1+local", "== 1.1", true)]
    [InlineData("1.1", "== 1.1.0", true)]
    public void Pep440Examples(string version, string specifiers, bool expected) =>
        Assert.Equal(expected, Contains(specifiers, version, prereleases: true));

    // PEP 440: a compatible release clause is equivalent to a pair of comparison clauses.
    [Theory]
    [InlineData("~= 2.2", ">= 2.2, == 2.*")]
    [InlineData("~= 1.4.5", ">= 1.4.5, == 1.4.*")]
    [InlineData("~= 2.2.post3", ">= 2.2.post3, == 2.*")]
    [InlineData("~= 1.4.5a4", ">= 1.4.5a4, == 1.4.*")]
    [InlineData("~= 2.2.0", ">= 2.2.0, == 2.2.*")]
    [InlineData("~= 1.4.5.0", ">= 1.4.5.0, == 1.4.5.*")]
    [InlineData("~= 1!1.0", ">= 1!1.0, == 1!1.*")]
    [InlineData("~= 1.0.dev1", ">= 1.0.dev1, == 1.*")]
    public void CompatibleReleaseEqualsItsExpansion(string compatible, string expansion)
    {
        var a = SpecifierSet.Parse(compatible);
        var b = SpecifierSet.Parse(expansion);
        var candidates = PackageVersionTests.SortedVersions.Concat(PackageVersionTests.Pep440SummaryOrder)
            .Concat(["2.2", "2.2.1", "2.3", "3.0", "2.2.post3", "2.2.post4", "1.4.5", "1.4.6", "1.5", "1.4.5a4", "1.4.5b1", "1.4.5.1", "1!1.5", "1!2.0"]);
        foreach (var text in candidates)
        {
            var v = PackageVersion.Parse(text);
            foreach (var pre in new[] { true, false })
                Assert.True(a.Contains(v, pre) == b.Contains(v, pre), $"{text} (prereleases: {pre}) in '{compatible}' vs '{expansion}'");
        }
    }

    [Fact]
    public void EveryVersionIsInTheEmptySetWhenPrereleasesAreAllowed()
    {
        var empty = SpecifierSet.Parse("");
        foreach (var v in PackageVersionTests.SortedVersions)
            Assert.True(empty.Contains(PackageVersion.Parse(v), prereleases: true), v);
    }
}
