using Cheeseshop.Core.Accounts;
using Cheeseshop.Core.Packaging;

namespace Cheeseshop.Auth;

/// <summary>
/// Who may read and who may upload: the one place the server decides access to the index. Read endpoints
/// are mapped in a group marked <see cref="ReadEndpoint"/>; ReadAccessMiddleware asks <see cref="ReadRefusal"/>
/// before any of them runs (so before the page cache is consulted), and the upload endpoint asks
/// <see cref="UploadRefusal"/> once its credentials check out.
/// </summary>
public static class IndexAccess
{
    /// <summary>Endpoint metadata: this endpoint reads the index, so a private index asks for credentials.</summary>
    public sealed class ReadEndpoint
    {
        public static readonly ReadEndpoint Marker = new();
        private ReadEndpoint() { }
    }

    /// <summary>Marks every endpoint mapped on the returned builder as a read of the index.</summary>
    public static RouteGroupBuilder MapReads(this IEndpointRouteBuilder app)
    {
        var reads = app.MapGroup("");
        reads.WithMetadata(ReadEndpoint.Marker);
        return reads;
    }

    public const string Realm = "Basic realm=\"Cheeseshop\"";

    /// <summary>
    /// Why an authenticated reader may not make this read, or null. A token limited to projects (a scoped token's
    /// one, a trusted publisher's several) reads those projects' pages and files only: not another project's, nor
    /// what spans the whole index (the project list, XML-RPC), which would name the other projects.
    /// </summary>
    public static string? ReadRefusal(Reader reader, RouteValueDictionary route)
    {
        if (reader.Projects is not { } projects) return null;
        var allowed = route["project"] is string name ? projects.Contains(ProjectName.Normalize(name))
            : route["filename"] is string file && projects.Any(project => TokenRules.ProjectCoversFile(project, file));
        return allowed ? null
            : projects.Count switch
            {
                0 => "This API token was limited to a project that no longer exists: it cannot read anything.",
                1 => $"This API token is limited to the project '{projects[0]}': it cannot read other projects or the index as a whole.",
                _ => $"This API token is limited to the projects {string.Join(", ", projects.Select(p => $"'{p}'"))}: it cannot read other projects or the index as a whole.",
            };
    }

    /// <summary>Why these credentials may not upload at all, or null; which project they may upload to is the
    /// upload decision's (Core.Upload.UploadRules).</summary>
    public static string? UploadRefusal(BasicIdentity identity) =>
        identity.Token is { } token && !TokenRules.MayUpload(token.Scope) ? TokenRules.ReadOnlyUpload : null;
}
