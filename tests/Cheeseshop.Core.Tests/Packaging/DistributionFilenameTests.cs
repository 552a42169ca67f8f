using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class DistributionFilenameTests
{
    private static DistributionFilename Parse(string filename, string? project = null)
    {
        Assert.True(DistributionFilename.TryParse(filename, project, out var result, out var error), error);
        Assert.Null(error);
        return result!;
    }

    private static string Reject(string filename, string? project = null)
    {
        Assert.False(DistributionFilename.TryParse(filename, project, out var result, out var error), filename);
        Assert.Null(result);
        Assert.False(string.IsNullOrWhiteSpace(error));
        return error!;
    }

    // Examples from PEP 427 / the binary distribution format spec, PEP 425's compressed tag sets,
    // and the packaging library's parse_wheel_filename tests.
    [Theory]
    [InlineData("distribution-1.0-1-py27-none-any.whl", "distribution", "1.0", "1", "py27", "none", "any")]
    [InlineData("distribution-1.0-py32-none-any.whl", "distribution", "1.0", null, "py32", "none", "any")]
    [InlineData("pip-0.9-py2.py3-none-any.whl", "pip", "0.9", null, "py2,py3", "none", "any")]
    [InlineData("foo-1.0-py3-none-any.whl", "foo", "1.0", null, "py3", "none", "any")]
    [InlineData("some_PACKAGE-1.0-py3-none-any.whl", "some_PACKAGE", "1.0", null, "py3", "none", "any")]
    [InlineData("foo-1.0-1000-py3-none-any.whl", "foo", "1.0", "1000", "py3", "none", "any")]
    [InlineData("foo-1.0-1000abc-py3-none-any.whl", "foo", "1.0", "1000abc", "py3", "none", "any")]
    [InlineData("foo_bar-1.0-42-py2.py3-none-any.whl", "foo_bar", "1.0", "42", "py2,py3", "none", "any")]
    [InlineData("pyvirtualcam-0.13.0-cp310-cp310-manylinux2014_x86_64.manylinux_2_17_x86_64.whl", "pyvirtualcam", "0.13.0", null, "cp310", "cp310", "manylinux2014_x86_64,manylinux_2_17_x86_64")]
    [InlineData("numpy-1.23.3-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "numpy", "1.23.3", null, "cp310", "cp310", "manylinux_2_17_x86_64,manylinux2014_x86_64")]
    [InlineData("cryptography-41.0.1-cp37-abi3-macosx_10_12_universal2.whl", "cryptography", "41.0.1", null, "cp37", "abi3", "macosx_10_12_universal2")]
    [InlineData("foo-1.0-py3.py2-none-any.whl", "foo", "1.0", null, "py3,py2", "none", "any")]
    [InlineData("zope.interface-5.4.0-cp39-cp39-win_amd64.whl", "zope.interface", "5.4.0", null, "cp39", "cp39", "win_amd64")]
    [InlineData("pip-23.2.1-py3-none-any.whl", "pip", "23.2.1", null, "py3", "none", "any")]
    [InlineData("foo-1.0_post1-py3-none-any.whl", "foo", "1.0.post1", null, "py3", "none", "any")]
    [InlineData("foo-2!1.0rc1+local.7-py3-none-any.whl", "foo", "2!1.0rc1+local.7", null, "py3", "none", "any")]
    public void Wheels(string filename, string name, string version, string? build, string python, string abi, string platform)
    {
        var f = Parse(filename);
        Assert.Equal(DistributionKind.Wheel, f.Kind);
        Assert.Equal(filename, f.Filename);
        Assert.Equal(name, f.Name);
        Assert.Equal(PackageVersion.Parse(version), f.Version);
        Assert.Equal(version, f.Version.ToString());
        Assert.Equal(build, f.BuildTag);
        Assert.Equal(python.Split(','), f.PythonTags);
        Assert.Equal(abi.Split(','), f.AbiTags);
        Assert.Equal(platform.Split(','), f.PlatformTags);
        Assert.Equal(".whl", f.Extension);
    }

    [Fact]
    public void WheelsIgnoreTheProjectNameHint() =>
        Assert.Equal("foo", Parse("foo-1.0-py3-none-any.whl", "something-else").Name);

    [Theory]
    [InlineData("foo-1.0.whl", "found 1 '-'")] // missing tags
    [InlineData("foo-1.0-200-py3-none-any-junk.whl", "found 6 '-'")] // too many dashes
    [InlineData("foo__bar-1.0-py3-none-any.whl", "not a valid project name")]
    [InlineData("foo#bar-1.0-py3-none-any.whl", "not a valid project name")]
    [InlineData("foo_bár-1.0-py3-none-any.whl", "not a valid project name")] // PEP 508 names are ASCII
    [InlineData("_foo-1.0-py3-none-any.whl", "not a valid project name")]
    [InlineData("-1.0-py3-none-any.whl", "not a valid project name")]
    [InlineData("foobar-1.x-py3-none-any.whl", "not a valid PEP 440 version")]
    [InlineData("foobar--py3-none-any.whl", "not a valid PEP 440 version")]
    [InlineData("foo-1.0-abc-py3-none-any.whl", "must start with a digit")] // build tag
    [InlineData("foo-1.0--py3-none-any.whl", "must start with a digit")]
    [InlineData("foo-1.0-py3--any.whl", "is not valid")]
    [InlineData("foo-1.0-py3-none-.whl", "is not valid")]
    [InlineData("foo-1.0-py2..py3-none-any.whl", "is not valid")]
    [InlineData("foo-1.0-py3-none-any!.whl", "is not valid")]
    public void InvalidWheels(string filename, string why)
    {
        var error = Reject(filename);
        Assert.StartsWith($"Invalid wheel filename '{filename.Replace("\u00e1", "\\u00e1")}': ", error);
        Assert.Contains(why, error);
    }

    [Fact]
    public void MessagesArePrintableAscii()
    {
        // They may end up in an HTTP status line, as PyPI puts them there.
        var error = Reject("f\u00f6\u00f6-1.0-py3-none-any.whl");
        Assert.Equal("Invalid wheel filename 'f\\u00f6\\u00f6-1.0-py3-none-any.whl': 'f\\u00f6\\u00f6' is not a valid project name.", error);
        Assert.All(error, c => Assert.InRange(c, ' ', '~'));
    }

    [Theory]
    [InlineData("foo-1.0.tar.gz", null, "foo", "1.0", ".tar.gz")]
    [InlineData("foo-1.0.zip", null, "foo", "1.0", ".zip")]
    [InlineData("foo_bar-1.0.tar.gz", null, "foo_bar", "1.0", ".tar.gz")] // PEP 625
    [InlineData("foo_bar-2!1.0rc1.post2.dev3.tar.gz", null, "foo_bar", "2!1.0rc1.post2.dev3", ".tar.gz")]
    [InlineData("foo-bar-1.0.tar.gz", null, "foo-bar", "1.0", ".tar.gz")] // legacy: split at the last '-'
    [InlineData("foo-bar-1.0.tar.gz", "foo-bar", "foo-bar", "1.0", ".tar.gz")]
    [InlineData("foo-bar-1.0.tar.gz", "Foo_Bar", "foo-bar", "1.0", ".tar.gz")]
    [InlineData("Foo.Bar-1.0.zip", "foo-bar", "Foo.Bar", "1.0", ".zip")]
    [InlineData("foo-1.0-1.tar.gz", "foo", "foo", "1.0.post1", ".tar.gz")] // only the hint tells the post-release apart
    [InlineData("foo-1.0-1.tar.gz", null, "foo-1.0", "1", ".tar.gz")]
    [InlineData("foo-2-2.0.tar.gz", "foo-2", "foo-2", "2.0", ".tar.gz")]
    [InlineData("django-4.2.tar.gz", "Django", "django", "4.2", ".tar.gz")]
    [InlineData("pip-23.2.1.tar.gz", " pip ", "pip", "23.2.1", ".tar.gz")]
    public void Sdists(string filename, string? project, string name, string version, string extension)
    {
        var f = Parse(filename, project);
        Assert.Equal(DistributionKind.Sdist, f.Kind);
        Assert.Equal(name, f.Name);
        Assert.Equal(version, f.Version.ToString());
        Assert.Null(f.BuildTag);
        Assert.Empty(f.PythonTags);
        Assert.Empty(f.AbiTags);
        Assert.Empty(f.PlatformTags);
        Assert.Equal(extension, f.Extension);
    }

    [Theory]
    [InlineData("foo1.0.tar.gz", null, "expected {name}-{version}.tar.gz")] // missing separator
    [InlineData("foo-1.x.tar.gz", null, "'1.x' is not a valid PEP 440 version")]
    [InlineData("foo-.tar.gz", null, "is not a valid PEP 440 version")]
    [InlineData("-1.0.tar.gz", null, "is not a valid project name")]
    [InlineData("foo-bar-1.0.tar.gz", "foo", "'bar-1.0' is not a valid PEP 440 version")]
    [InlineData("foo-2-2.0.tar.gz", "foo", "'2-2.0' is not a valid PEP 440 version")] // the hint decides the split
    [InlineData("bar-1.0.tar.gz", "foo", "must start with the project name 'foo'")]
    [InlineData("foobar-1.0.zip", "foo", "must start with the project name 'foo'")]
    public void InvalidSdists(string filename, string? project, string why)
    {
        var error = Reject(filename, project);
        Assert.StartsWith($"Invalid sdist filename '{filename}': ", error);
        Assert.Contains(why, error);
    }

    [Theory]
    [InlineData("foo-1.0.exe")]
    [InlineData("foo-1.0.egg")]
    [InlineData("foo-1.0.tar.bz2")]
    [InlineData("foo-1.0.tar.xz")]
    [InlineData("foo-1.0.tgz")]
    [InlineData("foo-1.0.tar")]
    [InlineData("foo-1.0.msi")]
    [InlineData("foo-1.0.rpm")]
    [InlineData("foo-1.0.xz")]
    [InlineData("foo-1.0-py3-none-any.wheel")]
    [InlineData("foo-1.0-py3-none-any.WHL")]
    [InlineData("foo-1.0.TAR.GZ")]
    [InlineData("foo-1.0")]
    public void UnsupportedExtensionsListTheAcceptedOnes(string filename)
    {
        var error = Reject(filename);
        Assert.Contains("unsupported file extension", error);
        Assert.Contains(".whl", error);
        Assert.Contains(".tar.gz", error);
        Assert.Contains(".zip", error);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../foo-1.0.tar.gz", "without '/' or '\\'")]
    [InlineData("dist/foo-1.0.tar.gz", "without '/' or '\\'")]
    [InlineData("..\\foo-1.0.tar.gz", "without '/' or '\\'")]
    [InlineData("/etc/passwd", "without '/' or '\\'")]
    [InlineData("..", "plain file name")]
    [InlineData(".", "plain file name")]
    [InlineData("foo-1.0.tar.gz\0.whl", "control characters")]
    [InlineData("foo-1.0\n.tar.gz", "control characters")]
    [InlineData("foo-1.0.tar.gz\u007f", "control characters")]
    [InlineData("foo -1.0.tar.gz", "whitespace")]
    [InlineData("foo- 1.0-py3-none-any.whl", "whitespace")]
    public void UnsafeNames(string filename, string why)
    {
        var error = Reject(filename);
        Assert.Contains(why, error);
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\0', error);
    }

    [Fact]
    public void NullIsRejected() => Assert.Contains("empty", Reject(null!));

    // The limit leaves room for ".metadata" within a 255-byte file name; counted in UTF-8 bytes.
    [Theory]
    [InlineData(".whl", 246, true)]
    [InlineData(".whl", 247, false)]
    [InlineData(".whl", 255, false)]
    [InlineData(".whl", 256, false)]
    [InlineData(".tar.gz", 246, true)]
    [InlineData(".tar.gz", 247, false)]
    [InlineData(".zip", 300, false)]
    public void NamesLongerThanTheStorableLimitAreRejected(string extension, int length, bool accepted)
    {
        var tail = extension == ".whl" ? "-1.0-py3-none-any.whl" : "-1.0" + extension;
        var filename = new string('a', length - tail.Length) + tail;
        Assert.Equal(length, filename.Length);
        Assert.Equal(accepted, DistributionFilename.CheckLength(filename) is null);
        if (accepted)
        {
            Parse(filename);
            return;
        }
        var error = Reject(filename);
        Assert.Contains($"it is {length} characters long, more than the limit of 246", error);
        Assert.True(error.Length < 400, "the quoted name is shortened");
        Assert.Contains("aaa...'", error);
    }

    [Theory]
    [InlineData(123, true)]  // 246 bytes
    [InlineData(124, false)] // 248 bytes in 124 characters
    public void TheLimitCountsBytesNotCharacters(int twoByteChars, bool accepted)
    {
        var name = new string('\u00e9', twoByteChars);
        var error = DistributionFilename.CheckLength(name);
        Assert.Equal(accepted, error is null);
        if (!accepted) Assert.Contains("248 bytes of UTF-8 long, more than the limit of 246", error);
    }
}
