using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;

namespace Cheeseshop.Core.Tests.Upload;

/// <summary>
/// The upload rules as tables: each row is a change to a valid upload of cheese 1.0 and what the rules
/// answer. Messages are compared whole: twine shows them, and twine's --skip-existing reads the
/// "File already exists" prefix.
/// </summary>
public class UploadRulesTests
{
    private const string Md5 = "0123456789abcdef0123456789abcdef";
    private const string Sha256 = "1111111111111111111111111111111111111111111111111111111111111111";
    private const string Blake2 = "2222222222222222222222222222222222222222222222222222222222222222";
    private static readonly FileDigests Digests = new(Md5, Sha256, Blake2);

    private const string Ok = "";
    private const string Sdist = "filetype=sdist;pyversion=source;@filename=cheese-1.0.tar.gz";

    // A change is a ';'-separated list of "field=value" (set), "-field" (leave out), "@filename=...",
    // "@content-type=...", "@action=..." (the query string's :action) and "-@file" (no file part).
    [Theory]
    [InlineData("", "Accepted", Ok)]
    [InlineData(Sdist, "Accepted", Ok)]
    [InlineData("filetype=sdist;-pyversion;@filename=cheese-1.0.tar.gz", "Accepted", Ok)]
    [InlineData("-:action", "BadRequest", "Missing ':action' field: set it to 'file_upload'.")]
    [InlineData(":action=submit", "Gone", "Project pre-registration is no longer required or supported, upload your files instead.")]
    [InlineData(":action=submit_pkg_info", "Gone", "Project pre-registration is no longer required or supported, upload your files instead.")]
    [InlineData(":action=doc_upload", "Gone", "Uploading documentation is no longer supported.")]
    [InlineData(":action=list_classifiers", "BadRequest", "Unknown :action 'list_classifiers': only 'file_upload' is supported.")]
    [InlineData(":action=;@action=doc_upload", "Gone", "Uploading documentation is no longer supported.")]
    [InlineData("protocol_version=2", "BadRequest", "Unknown protocol version.")]
    [InlineData("protocol_version=1", "Accepted", Ok)]
    [InlineData("-metadata_version", "BadRequest", "Metadata-Version is missing; it is a required field.")]
    [InlineData("-name", "BadRequest", "Name is missing; it is a required field.")]
    [InlineData("version=1.0+local", "BadRequest", "Can't use PEP 440 local versions.")]
    [InlineData("-@file", "BadRequest", "Upload payload does not have a file.")]
    [InlineData("@filename=", "BadRequest", "Upload payload does not have a file.")]
    [InlineData("-filetype", "BadRequest", "Invalid value for filetype. Error: This field is required.")]
    [InlineData("filetype=bdist_egg", "BadRequest", "Invalid value for filetype. Error: 'bdist_egg' is not a known file type; use 'sdist' or 'bdist_wheel'.")]
    [InlineData("filetype=sdist;pyversion=py3;@filename=cheese-1.0.tar.gz", "BadRequest",
        "Invalid value for pyversion. Error: 'source' is the only valid Python version for a non-wheel distribution.")]
    [InlineData("-pyversion", "BadRequest", "Invalid value for pyversion. Error: Python version is required for binary distribution uploads.")]
    [InlineData("pyversion=py\u00013", "BadRequest", "Invalid value for pyversion. Error: Use a valid Python tag such as 'py3'.")]
    [InlineData("-sha256_digest", "BadRequest", "Error: Include at least one message digest.")]
    [InlineData("-sha256_digest;md5_digest=" + Md5, "Accepted", Ok)]
    [InlineData("-sha256_digest;blake2_256_digest=" + Blake2, "Accepted", Ok)]
    [InlineData("sha256_digest=1111111111111111111111111111111111111111111111111111111111111111", "Accepted", Ok)]
    [InlineData("sha256_digest=abc", "BadRequest", "Invalid value for sha256_digest. Error: Use a valid, hex-encoded digest of 64 characters.")]
    [InlineData("md5_digest=0123456789abcdef0123456789abcdeZ", "BadRequest", "Invalid value for md5_digest. Error: Use a valid, hex-encoded digest of 32 characters.")]
    [InlineData("sha256_digest=3333333333333333333333333333333333333333333333333333333333333333", "BadRequest",
        "The digest supplied does not match a digest calculated from the uploaded file (sha256_digest).")]
    [InlineData("blake2_256_digest=3333333333333333333333333333333333333333333333333333333333333333", "BadRequest",
        "The digest supplied does not match a digest calculated from the uploaded file (blake2_256_digest).")]
    [InlineData("@filename=cheese-1.0.tar.gz", "BadRequest",
        "Invalid file extension: 'cheese-1.0.tar.gz' is not a valid bdist_wheel filename (use .tar.gz for sdist, .whl for bdist_wheel).")]
    [InlineData("filetype=sdist;pyversion=source", "BadRequest",
        "Invalid file extension: 'cheese-1.0-py3-none-any.whl' is not a valid sdist filename (use .tar.gz for sdist, .whl for bdist_wheel).")]
    [InlineData("@filename=brie-1.0-py3-none-any.whl", "BadRequest", "Start filename for project 'cheese' with 'cheese'.")]
    [InlineData("name=Cheese.Board;@filename=cheese-1.0-py3-none-any.whl", "BadRequest", "Start filename for project 'Cheese.Board' with 'cheese_board'.")]
    [InlineData("name=Cheese.Board;@filename=cheese_board-1.0-py3-none-any.whl", "Accepted", Ok)]
    [InlineData("@filename=cheese-1.1-py3-none-any.whl", "BadRequest", "Version in filename should be '1.0' not '1.1'.")]
    [InlineData("version=1.0.0", "Accepted", Ok)]
    [InlineData("@content-type=", "BadRequest", "Invalid distribution file.")]
    [InlineData("@content-type=image/png", "BadRequest", "Invalid distribution file.")]
    [InlineData("@content-type=IMAGE/gif", "BadRequest", "Invalid distribution file.")]
    public void Request_checks(string change, string verdict, string message)
    {
        var decision = UploadRules.CheckRequest(Request(change), out var candidate);
        Assert.Equal((Enum.Parse<UploadVerdict>(verdict), message), (decision.Verdict, decision.Message));
        Assert.Equal(decision.Verdict == UploadVerdict.Accepted, candidate is not null);
    }

    [Fact]
    public void An_accepted_request_carries_what_the_form_and_filename_say()
    {
        UploadRules.CheckRequest(Request(Sdist + ";name=Cheese;version=1.0.0;@filename=cheese-1.0.0.tar.gz"), out var candidate);
        Assert.NotNull(candidate);
        Assert.Equal(("Cheese", "1.0.0", "sdist", "source", DistributionKind.Sdist, Digests, 100L),
            (candidate.Name, candidate.Version.ToString(), candidate.PackageType, candidate.PythonVersion, candidate.Filename.Kind, candidate.Digests, candidate.Size));
    }

    // The file's own metadata against the form (METADATA of a wheel, PKG-INFO of an sdist).
    [Theory]
    [InlineData("", "", "Accepted", Ok)]
    [InlineData("Name: CHEESE", "", "Accepted", Ok)]
    [InlineData("Name: brie", "", "BadRequest", "The form and the file disagree: Name is 'cheese' in the upload form but 'brie' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("-Name", "", "BadRequest", "The form and the file disagree: Name is 'cheese' in the upload form but '' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("Version: 1.0.0", "", "Accepted", Ok)]
    [InlineData("Version: 1.1", "", "BadRequest", "The form and the file disagree: Version is '1.0' in the upload form but '1.1' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("Version: one", "", "BadRequest", "The form and the file disagree: Version is '1.0' in the upload form but 'one' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("Requires-Python: >=3.8", "requires_python=>=3.8", "Accepted", Ok)]
    [InlineData("Requires-Python: >= 3.8", "requires_python=>=3.8", "Accepted", Ok)]
    [InlineData("Requires-Python: >=3.9", "requires_python=>=3.8", "BadRequest",
        "The form and the file disagree: Requires-Python is '>=3.8' in the upload form but '>=3.9' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("", "requires_python=>=3.8", "BadRequest",
        "The form and the file disagree: Requires-Python is '>=3.8' in the upload form but '' in cheese-1.0.dist-info/METADATA.")]
    [InlineData("Requires-Dist: brie|Requires-Dist: feta", "requires_dist=feta;requires_dist=brie", "Accepted", Ok)]
    [InlineData("Requires-Dist: brie", "", "BadRequest",
        "The form and the file disagree: Requires-Dist is '' in the upload form but 'brie' in cheese-1.0.dist-info/METADATA.")]
    public void Contents_checks(string fileChange, string formChange, string verdict, string message)
    {
        UploadRules.CheckRequest(Request(formChange), out var candidate);
        Assert.NotNull(candidate);
        var decision = UploadRules.CheckContents(candidate, Contents(fileChange));
        Assert.Equal((Enum.Parse<UploadVerdict>(verdict), message), (decision.Verdict, decision.Message));
    }

    [Fact]
    public void An_unreadable_archive_says_why()
    {
        var decision = UploadRules.InvalidDistribution("The wheel has no WHEEL file.");
        Assert.Equal((UploadVerdict.BadRequest, "Invalid distribution file. The wheel has no WHEEL file."), (decision.Verdict, decision.Message));
    }

    private const long Limit = 1000;
    private static readonly Guid CheeseId = Guid.Parse("00000000-0000-0000-0000-00000000c4e5");

    // What the index holds: the project (none, or its stored name and total size), the token's scope
    // (none, this project, another, several with this one: a trusted publisher registered on several projects), the uploader's role, a file of the same name or digest (none, the
    // identical file, same name other bytes, same bytes other name), whether the filename was used by a
    // deleted file, whether the release has an sdist; the candidate's type; the project size limit is 1000
    // and the candidate 100 bytes.
    [Theory]
    [InlineData("none", "none", false, "none", false, false, "wheel", "Accepted", Ok)]
    [InlineData("none", "other", false, "none", false, false, "wheel", "Forbidden", "The given token isn't allowed to upload to project 'cheese': it is scoped to another project.")]
    [InlineData("cheese:0", "none", true, "none", false, false, "wheel", "Accepted", Ok)]
    [InlineData("cheese:0", "this", true, "none", false, false, "wheel", "Accepted", Ok)]
    [InlineData("cheese:0", "several", true, "none", false, false, "wheel", "Accepted", Ok)]
    [InlineData("none", "several", false, "none", false, false, "wheel", "Forbidden", "The given token isn't allowed to upload to project 'cheese': it is scoped to another project.")]
    [InlineData("Cheese:0", "other", true, "none", false, false, "wheel", "Forbidden", "The given token isn't allowed to upload to project 'Cheese'.")]
    [InlineData("Cheese:0", "none", false, "none", false, false, "wheel", "Forbidden", "The user 'alice' isn't allowed to upload to project 'Cheese'.")]
    [InlineData("cheese:0", "this", false, "none", false, false, "wheel", "Forbidden", "The user 'alice' isn't allowed to upload to project 'cheese'.")]
    [InlineData("cheese:0", "none", true, "identical", false, false, "wheel", "AlreadyPresent", Ok)]
    [InlineData("cheese:950", "none", true, "identical", true, true, "sdist", "AlreadyPresent", Ok)]
    [InlineData("cheese:0", "none", true, "same-name", false, false, "wheel", "BadRequest",
        "File already exists ('cheese-1.0-py3-none-any.whl', with blake2_256 hash '" + Blake2 + "'). A filename can be used only once; upload under a new version.")]
    [InlineData("none", "none", false, "same-bytes", false, false, "wheel", "BadRequest",
        "File already exists ('cheese-1.0-py3-none-any.whl', with blake2_256 hash '" + Blake2 + "'). A filename can be used only once; upload under a new version.")]
    [InlineData("cheese:0", "none", true, "none", true, false, "wheel", "BadRequest", "This filename was previously used by a file that has since been deleted. Use a different version.")]
    [InlineData("cheese:900", "none", true, "none", false, false, "wheel", "Accepted", Ok)]
    [InlineData("cheese:901", "none", true, "none", false, false, "wheel", "TooLarge", "Project size too large. Limit for project 'cheese' total size is 1000 bytes.")]
    [InlineData("CHEESE:901", "none", true, "none", false, false, "wheel", "TooLarge", "Project size too large. Limit for project 'cheese' total size is 1000 bytes.")]
    [InlineData("cheese:0", "none", true, "none", false, true, "wheel", "Accepted", Ok)]
    [InlineData("cheese:0", "none", true, "none", false, true, "sdist", "BadRequest", "Only one sdist may be uploaded per release.")]
    [InlineData("cheese:0", "none", true, "none", false, false, "sdist", "Accepted", Ok)]
    public void Placement_checks(string project, string token, bool role, string existing, bool usedBefore, bool releaseHasSdist, string type,
        string verdict, string message)
    {
        UploadRules.CheckRequest(Request(type == "sdist" ? Sdist : ""), out var candidate);
        Assert.NotNull(candidate);
        var filename = candidate.Filename.Filename;
        ExistingProject? held = project == "none" ? null
            : new ExistingProject(CheeseId, project.Split(':')[0], long.Parse(project.Split(':')[1]));
        Guid[]? scope = token switch { "this" => [CheeseId], "other" => [Guid.NewGuid()], "several" => [Guid.NewGuid(), CheeseId], _ => null };
        var file = existing switch
        {
            "identical" => new ExistingFile(filename, Sha256, Blake2),
            "same-name" => new ExistingFile(filename, Sha256.Replace('1', '4'), Blake2.Replace('2', '5')),
            "same-bytes" => new ExistingFile("other-1.0-py3-none-any.whl", Sha256, Blake2),
            _ => null,
        };
        var facts = new IndexFacts(held, scope, "alice", role, file, usedBefore, releaseHasSdist, MayCreate);
        var decision = UploadRules.CheckPlacement(candidate, facts, Limit);
        Assert.Equal((Enum.Parse<UploadVerdict>(verdict), message), (decision.Verdict, decision.Message));
    }

    private static readonly CreationFacts MayCreate = new(ProjectCreation.Verified, IsAdmin: false, EmailVerified: true, NameProhibited: false);

    private const string Unverified = "User 'alice' does not have a verified primary email address. Verify it (or add one and make it primary) " +
        "at /manage/account before creating a new project on this index.";
    private const string AdminsOnly = "The project 'cheese' does not exist, and new projects on this index are created only by its administrators. " +
        "Ask one to create it and make you its owner.";
    private const string Prohibited = "The name 'cheese' isn't allowed: the administrators of this index have prohibited it. Choose another name.";

    // Project creation: the setting (verified, admins), the uploader (admin, verified email), whether the name
    // is prohibited, and whether the project exists already (then none of it matters: the role decides).
    [Theory]
    [InlineData("verified", false, true, false, false, "Accepted", Ok)]
    [InlineData("verified", false, false, false, false, "Forbidden", Unverified)]
    [InlineData("verified", true, false, false, false, "Forbidden", Unverified)]
    [InlineData("verified", false, false, true, false, "Forbidden", Unverified)]
    [InlineData("verified", false, true, true, false, "BadRequest", Prohibited)]
    [InlineData("verified", true, true, true, false, "BadRequest", Prohibited)]
    [InlineData("admins", false, true, false, false, "Forbidden", AdminsOnly)]
    [InlineData("admins", false, true, true, false, "Forbidden", AdminsOnly)]
    [InlineData("admins", true, true, false, false, "Accepted", Ok)]
    [InlineData("admins", true, false, false, false, "Forbidden", Unverified)]
    [InlineData("admins", true, true, true, false, "BadRequest", Prohibited)]
    [InlineData("verified", false, false, false, true, "Accepted", Ok)]
    [InlineData("admins", false, false, true, true, "Accepted", Ok)]
    public void Creation_checks(string rule, bool admin, bool verified, bool prohibited, bool exists, string verdict, string message)
    {
        UploadRules.CheckRequest(Request(""), out var candidate);
        Assert.NotNull(candidate);
        var creation = new CreationFacts(Enum.Parse<ProjectCreation>(rule, ignoreCase: true), admin, verified, prohibited);
        var held = exists ? new ExistingProject(CheeseId, "cheese", 0) : null;
        var facts = new IndexFacts(held, null, "alice", exists, null, false, false, creation);
        var decision = UploadRules.CheckPlacement(candidate, facts, Limit);
        Assert.Equal((Enum.Parse<UploadVerdict>(verdict), message), (decision.Verdict, decision.Message));
    }

    // The admin verbs: projects create NAME (name, exists, prohibited) and projects prohibit NAME (name, the
    // existing project, already prohibited, reason).
    [Theory]
    [InlineData("Cheese", false, false, null)]
    [InlineData("-cheese", false, false, "'-cheese' is not a valid project name: use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit.")]
    [InlineData("Cheese", true, false, "A project named 'Cheese' exists already.")]
    [InlineData("Che_ese", false, true, "The name 'Che_ese' is prohibited; run 'projects allow che-ese' first.")]
    public void Admin_create_checks(string name, bool exists, bool prohibited, string? message) =>
        Assert.Equal(message, ProjectCreationRules.CheckAdminCreate(name, exists, prohibited));

    [Theory]
    [InlineData("cheese", null, false, "squatting", null)]
    [InlineData("cheese", null, false, " ", "Give a --reason: it is kept with the prohibition for the other administrators.")]
    [InlineData("chee se", null, false, "x", "'chee se' is not a valid project name: use ASCII letters, digits, '.', '_' and '-', starting and ending with a letter or digit.")]
    [InlineData("Cheese", "cheese", false, "x", "The project 'cheese' exists: a prohibition only stops new projects, so it would not affect it (the project keeps its name and its owners).")]
    [InlineData("Cheese.Shop", null, true, "x", "'cheese-shop' is prohibited already.")]
    public void Prohibit_checks(string name, string? existing, bool already, string reason, string? message) =>
        Assert.Equal(message, ProjectCreationRules.CheckProhibit(name, existing, already, reason));

    [Theory]
    [InlineData(100L, "File too large. Limit is 100 bytes.")]
    [InlineData(104857600L, "File too large. Limit is 100 MiB.")]
    [InlineData(1572864L, "File too large. Limit is 1.5 MiB.")]
    public void File_size_limit(long limit, string message)
    {
        var decision = UploadRules.FileTooLarge(limit);
        Assert.Equal((UploadVerdict.TooLarge, message), (decision.Verdict, decision.Message));
    }

    private static UploadRequest Request(string change)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new(":action", "file_upload"), new("metadata_version", "2.1"), new("name", "cheese"), new("version", "1.0"),
            new("filetype", "bdist_wheel"), new("pyversion", "py3"), new("sha256_digest", Sha256),
        };
        string? action = null, filename = "cheese-1.0-py3-none-any.whl", contentType = "application/octet-stream";
        FileDigests? digests = Digests;
        foreach (var step in change.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (step == "-@file") digests = null;
            else if (step.StartsWith('-')) fields.RemoveAll(f => f.Key == step[1..]);
            else
            {
                var (key, value) = (step[..step.IndexOf('=')], step[(step.IndexOf('=') + 1)..]);
                switch (key)
                {
                    case "@action": action = value; break;
                    case "@filename": filename = value; break;
                    case "@content-type": contentType = value.Length == 0 ? null : value; break;
                    // requires_dist is multiple-use: each step adds one more.
                    case "requires_dist": fields.Add(new(key, value)); break;
                    default:
                        fields.RemoveAll(f => f.Key == key);
                        fields.Add(new(key, value));
                        break;
                }
            }
        }
        return new UploadRequest(action, fields, filename, contentType, digests, 100);
    }

    /// <summary>The wheel's METADATA: cheese 1.0, changed by '|'-separated "Header: value" (replace) or "-Header" (leave out).</summary>
    private static DistributionContents Contents(string change)
    {
        var headers = new List<(string Name, string Value)> { ("Metadata-Version", "2.1"), ("Name", "cheese"), ("Version", "1.0") };
        foreach (var step in change.Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            if (step.StartsWith('-')) headers.RemoveAll(h => h.Name == step[1..]);
            else
            {
                var (name, value) = (step[..step.IndexOf(':')], step[(step.IndexOf(':') + 1)..].Trim());
                if (name != "Requires-Dist") headers.RemoveAll(h => h.Name == name);
                headers.Add((name, value));
            }
        }
        var text = string.Concat(headers.Select(h => $"{h.Name}: {h.Value}\n"));
        return new DistributionContents(System.Text.Encoding.UTF8.GetBytes(text), CoreMetadata.Parse(text), "cheese-1.0.dist-info/METADATA");
    }
}
