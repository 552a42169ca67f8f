using System.Diagnostics;
using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Core.Tests.Packaging;

/// <summary>Real wheels: the pip and setuptools wheels that every CPython ships for ensurepip.</summary>
public class BundledWheelTests
{
    private static readonly Lazy<string> BundledDirectory = new(FindBundledDirectory);

    private static string FindBundledDirectory()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import ensurepip, os; print(os.path.dirname(ensurepip.__file__))"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "These tests read the pip wheel bundled with Python's ensurepip, but 'python3' could not be run: " + e.Message, e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEnd().Trim();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"python3 could not locate ensurepip (exit code {process.ExitCode}): {error}");
            var bundled = Path.Combine(output, "_bundled");
            if (!Directory.Exists(bundled))
                throw new InvalidOperationException($"Python's ensurepip has no _bundled folder at {bundled}.");
            return bundled;
        }
    }

    private static string Wheel(string project)
    {
        var wheels = Directory.GetFiles(BundledDirectory.Value, $"{project}-*.whl");
        Assert.True(wheels.Length > 0, $"No {project} wheel in {BundledDirectory.Value}.");
        return wheels[0];
    }

    private static (DistributionFilename Name, DistributionContents Contents) ReadBundled(string project)
    {
        var path = Wheel(project);
        Assert.True(DistributionFilename.TryParse(Path.GetFileName(path), project, out var name, out var error), error);
        using var file = File.OpenRead(path);
        return (name!, DistributionReader.Read(file, name!, new ArchiveLimits()));
    }

    [Fact]
    public void ReadsPipsOwnMetadata()
    {
        var (name, contents) = ReadBundled("pip");
        var m = contents.Metadata;
        Assert.Equal(DistributionKind.Wheel, name.Kind);
        Assert.Equal($"pip-{name.Version}.dist-info/METADATA", contents.MetadataPath);
        Assert.Equal("pip", m.Name);
        Assert.Equal(name.Version, PackageVersion.Parse(m.Version!));
        Assert.Contains(m.MetadataVersion!, CoreMetadata.SupportedVersions);
        Assert.Empty(m.Validate());
        Assert.True(SpecifierSet.TryParse(m.RequiresPython!, out var requiresPython));
        Assert.True(requiresPython!.Contains(PackageVersion.Parse("3.12")));
        Assert.Contains(m.GetAll("Classifier"), c => c.StartsWith("Programming Language :: Python", StringComparison.Ordinal));
        Assert.Contains("pip", m.Description);
        // The bytes are returned exactly as stored.
        Assert.Equal(m.Name, CoreMetadata.Parse(System.Text.Encoding.UTF8.GetString(contents.MetadataBytes)).Name);
    }

    [Fact]
    public void ReadsSetuptoolsMetadataWhenBundled()
    {
        // Python 3.12 and later bundle only pip.
        if (Directory.GetFiles(BundledDirectory.Value, "setuptools-*.whl").Length == 0) return;
        var (name, contents) = ReadBundled("setuptools");
        Assert.Equal("setuptools", contents.Metadata.Name);
        Assert.Equal(name.Version, PackageVersion.Parse(contents.Metadata.Version!));
        Assert.Empty(contents.Metadata.Validate());
        Assert.NotEmpty(contents.Metadata.GetAll("Provides-Extra"));
    }
}
