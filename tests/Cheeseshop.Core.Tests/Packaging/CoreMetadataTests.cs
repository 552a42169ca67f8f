using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

public class CoreMetadataTests
{
    // The core metadata specification's field examples, as gathered in the packaging library's
    // tests/metadata/everything.metadata (Metadata-Version lowered to one we accept).
    private const string Everything = """
        Metadata-Version: 2.4
        Name: BeagleVote
        Version: 1.0a2
        Platform: ObscureUnix
        Platform: RareDOS
        Supported-Platform: RedHat 7.2
        Supported-Platform: i386-win32-2791
        Summary: A module for collecting votes from beagles.
        Description-Content-Type: text/markdown; charset=UTF-8; variant=GFM
        Keywords: dog,puppy,voting,election
        Home-page: http://www.example.com/~cschultz/bvote/
        Download-URL: …/BeagleVote-0.45.tgz
        Author: C. Schultz, Universal Features Syndicate,
                Los Angeles, CA <cschultz@peanuts.example.com>
        Author-email: "C. Schultz" <cschultz@example.com>
        Maintainer: C. Schultz, Universal Features Syndicate,
                Los Angeles, CA <cschultz@peanuts.example.com>
        Maintainer-email: "C. Schultz" <cschultz@example.com>
        License: This software may only be obtained by sending the
                author a postcard, and then the user promises not
                to redistribute it.
        License-Expression: Apache-2.0 OR BSD-2-Clause
        License-File: LICENSE.APACHE
        License-File: LICENSE.BSD
        Classifier: Development Status :: 4 - Beta
        Classifier: Environment :: Console (Text Based)
        Provides-Extra: pdf
        Requires-Dist: reportlab; extra == 'pdf'
        Requires-Dist: pkginfo
        Requires-Dist: PasteDeploy
        Requires-Dist: zope.interface (>3.5.0)
        Requires-Dist: pywin32 >1.0; sys_platform == 'win32'
        Requires-Python: >=3
        Requires-External: C
        Requires-External: libpng (>=1.5)
        Requires-External: make; sys_platform != "win32"
        Project-URL: Bug Tracker, http://bitbucket.org/tarek/distribute/issues/
        Project-URL: Documentation, https://example.com/BeagleVote
        Provides-Dist: OtherProject
        Provides-Dist: AnotherProject (3.4)
        Provides-Dist: virtual_package; python_version >= "3.4"
        Dynamic: Obsoletes-Dist
        ThisIsNotReal: Hello!

        This description intentionally left blank.

        """;

    [Fact]
    public void ParsesEveryFieldInOrder()
    {
        var m = CoreMetadata.Parse(Everything);
        Assert.Equal("2.4", m.MetadataVersion);
        Assert.Equal("BeagleVote", m.Name);
        Assert.Equal("1.0a2", m.Version);
        Assert.Equal("A module for collecting votes from beagles.", m.Summary);
        Assert.Equal(">=3", m.RequiresPython);
        Assert.Equal(["ObscureUnix", "RareDOS"], m.GetAll("Platform"));
        Assert.Equal(["Development Status :: 4 - Beta", "Environment :: Console (Text Based)"], m.GetAll("Classifier"));
        Assert.Equal(["reportlab; extra == 'pdf'", "pkginfo", "PasteDeploy", "zope.interface (>3.5.0)", "pywin32 >1.0; sys_platform == 'win32'"], m.GetAll("Requires-Dist"));
        Assert.Equal(["Bug Tracker, http://bitbucket.org/tarek/distribute/issues/", "Documentation, https://example.com/BeagleVote"], m.GetAll("Project-URL"));
        Assert.Equal(["LICENSE.APACHE", "LICENSE.BSD"], m.GetAll("License-File"));
        Assert.Equal("…/BeagleVote-0.45.tgz", m.Get("Download-URL"));
        Assert.Equal("Hello!", m.Get("ThisIsNotReal"));
        Assert.Empty(m.GetAll("Obsoletes-Dist"));
        Assert.Null(m.Get("Maintainer-Email-Address"));

        // Folded single-line fields are unfolded; License keeps its lines.
        Assert.Equal("C. Schultz, Universal Features Syndicate, Los Angeles, CA <cschultz@peanuts.example.com>", m.Get("Author"));
        Assert.Equal("This software may only be obtained by sending the\nauthor a postcard, and then the user promises not\nto redistribute it.", m.Get("License"));

        // The body is the description (Metadata 2.1+), exactly as written.
        Assert.Equal("This description intentionally left blank.\n", m.Description);

        var keys = m.Fields.Select(f => f.Key).ToList();
        Assert.Equal("Metadata-Version", keys[0]);
        Assert.Equal("Description", keys[^1]);
        Assert.Equal(40, keys.Count);
        Assert.Equal(5, keys.Count(k => k == "Requires-Dist"));
    }

    [Fact]
    public void FieldNamesAreCaseInsensitiveAndCanonicalized()
    {
        var m = CoreMetadata.Parse("metadata-version: 2.1\nNAME: foo\nversion: 1.0\nrequires-dist: bar\nREQUIRES-DIST: baz\nhome-PAGE: https://example.com\nX-Custom: kept\n");
        Assert.Equal(["Metadata-Version", "Name", "Version", "Requires-Dist", "Requires-Dist", "Home-page", "X-Custom"], m.Fields.Select(f => f.Key));
        Assert.Equal(["bar", "baz"], m.GetAll("requires-dist"));
        Assert.Equal("foo", m.Get("name"));
        Assert.Equal("https://example.com", m.Get("Home-Page"));
        Assert.Equal("kept", m.Get("x-custom"));
        Assert.Null(m.Description);
    }

    [Fact]
    public void ToleratesCrlfAndByteOrderMark()
    {
        var m = CoreMetadata.Parse("\uFEFFMetadata-Version: 2.1\r\nName: foo\r\nVersion: 1.0\r\nSummary: a\r\n  folded summary\r\n\r\nBody line 1\r\nBody line 2\r\n");
        Assert.Equal("2.1", m.MetadataVersion);
        Assert.Equal("foo", m.Name);
        Assert.Equal("a folded summary", m.Summary);
        // Like email.parser, the body is kept exactly as written (pip's own METADATA has CRLF in its body).
        Assert.Equal("Body line 1\r\nBody line 2\r\n", m.Description);
    }

    [Fact]
    public void LoneCarriageReturnsEndHeaderLinesToo()
    {
        var m = CoreMetadata.Parse("Name: foo\rVersion: 1.0\r\rbody");
        Assert.Equal("foo", m.Name);
        Assert.Equal("1.0", m.Version);
        Assert.Equal("body", m.Description);
    }

    [Fact]
    public void ValuesAreTrimmedOfSurroundingSpaceButKeepInnerSpace()
    {
        var m = CoreMetadata.Parse("Name:foo\nVersion:   1.0  \nSummary:\tHello   world \n");
        Assert.Equal("foo", m.Name);
        Assert.Equal("1.0", m.Version);
        Assert.Equal("Hello   world", m.Summary);
    }

    [Fact]
    public void HeadersEndAtTheFirstLineThatIsNotAHeader()
    {
        // As in email.parser: a line without "name:" ends the headers and starts the body.
        var m = CoreMetadata.Parse("Metadata-Version: 2.1\nName: foo\nthis is not a header\nVersion: 2.0\n");
        Assert.Equal("foo", m.Name);
        Assert.Null(m.Version);
        Assert.Equal("this is not a header\nVersion: 2.0\n", m.Description);
    }

    [Fact]
    public void HeaderLinesFollowEmailParser()
    {
        // ":value" is a header with an empty name (dropped); "Na me:" and "Name :" are not headers, so
        // they start the body; a continuation before the first header continues nothing.
        var m = CoreMetadata.Parse("  stray continuation\n:nameless\n  its continuation\nName: foo\nKey: a:b:c\nName :bad\nVersion: 1\n");
        Assert.Equal([("Name", "foo"), ("Key", "a:b:c"), ("Description", "Name :bad\nVersion: 1\n")], m.Fields.Select(f => (f.Key, f.Value)));
        Assert.Equal("Na me: x\n", CoreMetadata.Parse("Name: foo\nNa me: x\n").Description);
    }

    [Fact]
    public void AnEmptyBodyIsNoDescription()
    {
        Assert.Null(CoreMetadata.Parse("Name: foo\n\n").Description);
        Assert.Null(CoreMetadata.Parse("Name: foo\n\n\n  \n").Description);
        Assert.Null(CoreMetadata.Parse("Name: foo").Description);
        Assert.Empty(CoreMetadata.Parse("").Fields);
    }

    [Fact]
    public void DescriptionHeaderWinsOverBody()
    {
        var m = CoreMetadata.Parse("Name: foo\nDescription: from the header\n\nfrom the body\n");
        Assert.Equal("from the header", m.Description);
        Assert.Single(m.GetAll("Description"));
    }

    // distutils/setuptools (Metadata-Version 1.x) write Description with every following line
    // indented by 8 spaces; empty lines become 8 spaces.
    [Fact]
    public void FoldedDescriptionOfSetuptools()
    {
        const string pkgInfo = """
            Metadata-Version: 1.1
            Name: legacy
            Version: 0.1
            Summary: An old package
            Description: Legacy
                    ======
                    
                    Some text.
                    
                    Example::
                    
                        >>> import legacy
                        >>> legacy.run()
                    
                    |badge| is a substitution.
            Platform: UNKNOWN
            Classifier: Programming Language :: Python

            """;
        var m = CoreMetadata.Parse(pkgInfo);
        Assert.Equal("Legacy\n======\n\nSome text.\n\nExample::\n\n    >>> import legacy\n    >>> legacy.run()\n\n|badge| is a substitution.", m.Description);
        Assert.Equal("UNKNOWN", m.Get("Platform"));
        Assert.Equal("Programming Language :: Python", m.Get("Classifier"));
    }

    // Metadata 1.2 (PEP 345) and distlib: "7 spaces followed by a pipe" (the PEP's own example shows 8).
    [Theory]
    [InlineData("        |")]
    [InlineData("       |")]
    [InlineData("\t|")]
    public void FoldedDescriptionWithPipes(string prefix)
    {
        var pkgInfo = "Metadata-Version: 1.2\nName: mathy\nVersion: 1.0\n"
            + "Description: This project provides powerful math functions\n"
            + prefix + "For example, you can use `sum()` to sum numbers:\n"
            + prefix + "\n"
            + prefix + "Example::\n"
            + prefix + "\n"
            + prefix + "    >>> sum(1, 2)\n"
            + prefix + "    3\n"
            + prefix + "\n"
            + "Requires-Python: >=2.5\n";
        var m = CoreMetadata.Parse(pkgInfo);
        Assert.Equal("This project provides powerful math functions\nFor example, you can use `sum()` to sum numbers:\n\nExample::\n\n    >>> sum(1, 2)\n    3\n", m.Description);
        Assert.Equal(">=2.5", m.RequiresPython);
    }

    [Fact]
    public void DescriptionEndingInANewlineKeepsIt()
    {
        // setuptools' rfc822_escape leaves 8 spaces after a final newline.
        var m = CoreMetadata.Parse("Name: x\nDescription: line one\n        line two\n        \nVersion: 1\n");
        Assert.Equal("line one\nline two\n", m.Description);
        Assert.Equal("1", m.Version);
    }

    [Fact]
    public void ParsesTheRealPipMetadataShape()
    {
        // The head of pip's own METADATA (Metadata-Version 2.1, description in the body).
        const string metadata = """
            Metadata-Version: 2.1
            Name: pip
            Version: 23.2.1
            Summary: The PyPA recommended tool for installing Python packages.
            Home-page: https://pip.pypa.io/
            Author: The pip developers
            Author-email: distutils-sig@python.org
            License: MIT
            Project-URL: Documentation, https://pip.pypa.io
            Project-URL: Source, https://github.com/pypa/pip
            Classifier: Development Status :: 5 - Production/Stable
            Classifier: Intended Audience :: Developers
            Requires-Python: >=3.7
            License-File: LICENSE.txt
            License-File: AUTHORS.txt

            pip - The Python Package Installer
            ==================================

            .. image:: https://img.shields.io/pypi/v/pip.svg
               :target: https://pypi.org/project/pip/

            """;
        var m = CoreMetadata.Parse(metadata);
        Assert.Empty(m.Validate());
        Assert.StartsWith("pip - The Python Package Installer\n===", m.Description);
        Assert.Contains("\n   :target: https://pypi.org/project/pip/\n", m.Description);
        Assert.Equal(["LICENSE.txt", "AUTHORS.txt"], m.GetAll("License-File"));
    }

    [Fact]
    public void FromTwineFormFields()
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new(":action", "file_upload"),
            new("protocol_version", "1"),
            new("metadata_version", "2.1"),
            new("name", "BeagleVote"),
            new("version", "1.0a2"),
            new("filetype", "bdist_wheel"),
            new("pyversion", "py3"),
            new("summary", "A module for collecting votes from beagles."),
            new("description", "Line one\n\n    indented"),
            new("description_content_type", "text/x-rst"),
            new("keywords", "dog,puppy"),
            new("home_page", "http://www.example.com/"),
            new("download_url", "UNKNOWN"),
            new("author", "C. Schultz"),
            new("author_email", "cschultz@example.com"),
            new("maintainer", ""),
            new("maintainer_email", "UNKNOWN"),
            new("license", "MIT"),
            new("license_expression", "MIT"),
            new("license_file", "LICENSE"),
            new("license_files", "NOTICE"),
            new("classifiers", "Development Status :: 4 - Beta"),
            new("classifiers", "Environment :: Console (Text Based)"),
            new("platform", "UNKNOWN"),
            new("supported_platform", "RedHat 7.2"),
            new("requires_dist", "reportlab; extra == 'pdf'"),
            new("requires_dist", "pkginfo"),
            new("requires_python", ">=3.8"),
            new("requires_external", "C"),
            new("project_urls", "Documentation, https://example.com/BeagleVote"),
            new("provides_extra", "pdf"),
            new("provides_dist", "OtherProject"),
            new("obsoletes_dist", "Gorgon"),
            new("requires", "os"),
            new("provides", "beaglevote"),
            new("obsoletes", "beagle"),
            new("dynamic", "Requires-Dist"),
            new("comment", "a comment"),
            new("md5_digest", "00000000000000000000000000000000"),
            new("sha256_digest", "0000"),
            new("blake2_256_digest", "0000"),
            new("content", "(the file)"),
            new("attestations", "[]"),
            new("gpg_signature", "sig"),
        };
        var m = CoreMetadata.FromFormFields(form);
        Assert.Equal(
        [
            "Metadata-Version", "Name", "Version", "Summary", "Description", "Description-Content-Type", "Keywords",
            "Home-page", "Author", "Author-email", "License", "License-Expression", "License-File", "License-File",
            "Classifier", "Classifier", "Supported-Platform", "Requires-Dist", "Requires-Dist", "Requires-Python",
            "Requires-External", "Project-URL", "Provides-Extra", "Provides-Dist", "Obsoletes-Dist", "Requires",
            "Provides", "Obsoletes", "Dynamic",
        ], m.Fields.Select(f => f.Key));
        Assert.Equal("Line one\n\n    indented", m.Description);
        Assert.Equal(["Development Status :: 4 - Beta", "Environment :: Console (Text Based)"], m.GetAll("Classifier"));
        Assert.Equal(["LICENSE", "NOTICE"], m.GetAll("License-File"));
        Assert.Null(m.Get("Download-URL"));
        Assert.Null(m.Get("Maintainer"));
        Assert.Empty(m.GetAll("Platform"));
        Assert.Equal(">=3.8", m.RequiresPython);
        Assert.Empty(m.Validate());
    }

    [Fact]
    public void ValidMetadataHasNoProblems()
    {
        Assert.Empty(CoreMetadata.Parse(Everything).Validate());
        foreach (var v in CoreMetadata.SupportedVersions)
            Assert.Empty(CoreMetadata.Parse($"Metadata-Version: {v}\nName: a\nVersion: 0\n").Validate());
    }

    [Theory]
    [InlineData("Name: foo\nVersion: 1.0\n", "Metadata-Version is missing")]
    [InlineData("Metadata-Version: 2.1\nVersion: 1.0\n", "Name is missing")]
    [InlineData("Metadata-Version: 2.1\nName: \nVersion: 1.0\n", "Name is missing")]
    [InlineData("Metadata-Version: 2.1\nName: foo\n", "Version is missing")]
    [InlineData("Metadata-Version: 3.0\nName: foo\nVersion: 1.0\n", "Metadata-Version '3.0' is not supported; use one of 1.0, 1.1, 1.2, 2.1, 2.2, 2.3, 2.4.")]
    [InlineData("Metadata-Version: 2.0\nName: foo\nVersion: 1.0\n", "Metadata-Version '2.0' is not supported")]
    [InlineData("Metadata-Version: 2.1\nName: -foo\nVersion: 1.0\n", "'-foo' is an invalid value for Name.")]
    [InlineData("Metadata-Version: 2.1\nName: foo bar\nVersion: 1.0\n", "'foo bar' is an invalid value for Name.")]
    [InlineData("Metadata-Version: 2.1\nName: foo\nVersion: 1.x\n", "'1.x' is an invalid value for Version.")]
    [InlineData("Metadata-Version: 2.1\nName: foo\nVersion: 1.0+local\n", "Can't use PEP 440 local versions.")]
    [InlineData("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Python: >=3.8,<=>4\n", "'>=3.8,<=>4' is an invalid value for Requires-Python.")]
    [InlineData("Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nRequires-Python: 3.8\n", "is an invalid value for Requires-Python")]
    [InlineData("Metadata-Version: 2.1\nName: foo\nName: bar\nVersion: 1.0\n", "The Name field may only be given once.")]
    public void Problems(string text, string expected)
    {
        var errors = CoreMetadata.Parse(text).Validate();
        Assert.Single(errors);
        Assert.Contains(expected, errors[0]);
    }

    [Fact]
    public void EveryProblemIsReported()
    {
        var errors = CoreMetadata.Parse("Summary: x\n").Validate();
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void SummaryRules()
    {
        var ok = CoreMetadata.FromFormFields([new("metadata_version", "2.1"), new("name", "a"), new("version", "1"), new("summary", new string('x', 512))]);
        Assert.Empty(ok.Validate());

        var tooLong = CoreMetadata.FromFormFields([new("metadata_version", "2.1"), new("name", "a"), new("version", "1"), new("summary", new string('x', 513))]);
        Assert.Equal(["Summary must be 512 characters or less (it has 513)."], tooLong.Validate());

        var twoLines = CoreMetadata.FromFormFields([new("metadata_version", "2.1"), new("name", "a"), new("version", "1"), new("summary", "one\ntwo")]);
        Assert.Equal(["Summary must be a single line; it contains a line break."], twoLines.Validate());
    }

    [Fact]
    public void MessagesQuoteHostileValuesSafely()
    {
        var m = CoreMetadata.FromFormFields([new("metadata_version", "2.1"), new("name", "a\r\nSet-Cookie: x"), new("version", "1")]);
        var error = Assert.Single(m.Validate());
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain('\r', error);
    }

    [Fact]
    public void Form_fields_carry_the_metadata_there_and_back()
    {
        var metadata = CoreMetadata.Parse(
            "Metadata-Version: 2.1\nName: cheese\nVersion: 1.0\nSummary: A cheese\nRequires-Python: >=3.8\n" +
            "Requires-Dist: brie>=1\nRequires-Dist: feta; extra == \"salad\"\nClassifier: A :: B\n\nThe description.\n");
        var form = metadata.ToFormFields().ToList();
        Assert.Contains(new KeyValuePair<string, string>("name", "cheese"), form);
        Assert.Contains(new KeyValuePair<string, string>("requires_python", ">=3.8"), form);
        Assert.Equal(2, form.Count(f => f.Key == "requires_dist"));
        Assert.Equal(metadata.Fields, CoreMetadata.FromFormFields(form).Fields);
    }
}
