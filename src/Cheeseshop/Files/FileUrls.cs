using Cheeseshop.Data.Entities;

namespace Cheeseshop.Files;

public static class FileUrls
{
    /// <summary>Absolute path of a file: /packages/ + PyPI's blake2b layout.</summary>
    public static string Path(ReleaseFile f) => "/packages/" + Uri.EscapeDataString(f.Path).Replace("%2F", "/");
}
