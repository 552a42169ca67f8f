using System.Text;
using Cheeseshop.Core.Packaging;
using Cheeseshop.Core.Upload;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Cheeseshop.Upload;

/// <summary>
/// The multipart body twine sends, read in one pass: text fields into memory (bounded), the
/// `content` part streamed to a temporary file while it is hashed. The file is never held whole in
/// memory. Dispose deletes the temporary file unless it was moved into the store.
/// </summary>
public sealed class UploadForm : IDisposable
{
    /// <summary>RFC 2046 §5.1.1: a boundary is 1 to 70 characters. The multipart reader needs a buffer
    /// larger than the boundary, so a longer one is refused before it gets there.</summary>
    public const int MaxBoundaryLength = 70;

    public List<KeyValuePair<string, string>> Fields { get; } = [];
    public string? ContentFilename { get; private set; }
    public string? ContentType { get; private set; }
    public string? TempFile { get; private set; }
    public FileDigests? Digests { get; private set; }
    public long Size { get; private set; }

    public static async Task<UploadForm> ReadAsync(HttpRequest request, string tempDir, long maxFileBytes, int maxFieldBytes, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType) ||
            !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new UploadException(UploadDecision.BadRequest("Uploads must be sent as multipart/form-data."));
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw new UploadException(UploadDecision.BadRequest("The multipart/form-data body has no boundary."));
        if (boundary.Length > MaxBoundaryLength)
            throw new UploadException(UploadDecision.BadRequest($"The multipart boundary is {boundary.Length} characters long; RFC 2046 allows at most {MaxBoundaryLength}."));

        var form = new UploadForm();
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
            var fieldBytes = 0;
            while (await ReadSectionAsync(reader, ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data") || StringSegment.IsNullOrEmpty(disposition.Name))
                    throw new UploadException(UploadDecision.BadRequest("Malformed multipart body: a part has no form-data name."));
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value!;
                if (name == "content")
                {
                    if (form.TempFile is not null) throw new UploadException(UploadDecision.BadRequest("Only one file may be uploaded at a time."));
                    form.ContentFilename = (HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value
                                            ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                    // A name too long to store is refused before its file is received.
                    if (form.ContentFilename is not null && DistributionFilename.CheckLength(form.ContentFilename) is { } tooLong)
                        throw new UploadException(UploadDecision.BadRequest(tooLong));
                    form.ContentType = section.ContentType;
                    await form.ReceiveFileAsync(section.Body, tempDir, maxFileBytes, ct);
                }
                else if (disposition.IsFileDisposition() && name is not "gpg_signature" and not "attestations")
                {
                    throw new UploadException(UploadDecision.BadRequest($"{name}: Should not be a tuple."));
                }
                else
                {
                    var value = await ReadTextAsync(section.Body, maxFieldBytes - fieldBytes, ct);
                    fieldBytes += Encoding.UTF8.GetByteCount(value) + name.Length;
                    form.Fields.Add(new(name, value));
                }
            }
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    private static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken ct)
    {
        try { return await reader.ReadNextSectionAsync(ct); }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new UploadException(UploadDecision.BadRequest("Malformed multipart body: " + e.Message.TrimEnd('.') + "."));
        }
    }

    /// <summary>The form twine would send for a file on disk (`cheeseshop import`): the file copied into the
    /// temporary folder and hashed on the way, as an upload's body is.</summary>
    public static async Task<UploadForm> FromFileAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string tempDir,
        long maxFileBytes, CancellationToken ct)
    {
        var form = new UploadForm { ContentFilename = Path.GetFileName(path), ContentType = "application/octet-stream" };
        form.Fields.AddRange(fields);
        try
        {
            await using var file = File.OpenRead(path);
            await form.ReceiveFileAsync(file, tempDir, maxFileBytes, ct);
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    private async Task ReceiveFileAsync(Stream body, string tempDir, long maxFileBytes, CancellationToken ct)
    {
        TempFile = Path.Combine(tempDir, "upload-" + Guid.NewGuid().ToString("N"));
        using var digester = new FileDigester();
        var buffer = new byte[128 * 1024];
        await using (var file = new FileStream(TempFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            int read;
            try
            {
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    if (digester.Length + read > maxFileBytes)
                        throw new UploadException(UploadRules.FileTooLarge(maxFileBytes));
                    digester.Append(buffer.AsSpan(0, read));
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw new UploadException(UploadDecision.BadRequest("Malformed multipart body: the file part ended early."));
            }
        }
        Size = digester.Length;
        Digests = digester.Finish();
    }

    private static async Task<string> ReadTextAsync(Stream body, int remaining, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        var buffer = new byte[8192];
        int read;
        try
        {
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                if (ms.Length + read > remaining) throw new UploadException(UploadDecision.TooLarge("The upload's form fields are too large."));
                ms.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new UploadException(UploadDecision.BadRequest("Malformed multipart body: a field ended early."));
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(ms.GetBuffer(), 0, (int)ms.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new UploadException(UploadDecision.BadRequest("Form fields must be UTF-8 text."));
        }
    }

    /// <summary>Called once the file has been moved into the store, so Dispose leaves it alone.</summary>
    public void ReleaseTempFile() => TempFile = null;

    public void Dispose()
    {
        if (TempFile is not null && File.Exists(TempFile)) File.Delete(TempFile);
        TempFile = null;
    }
}
