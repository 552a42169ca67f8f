using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Cheeseshop.Configuration;

namespace Cheeseshop.Storage;

/// <summary>
/// Files in an S3-compatible bucket, so that several nodes serve the same files. Keys are the store's
/// paths behind an optional prefix. Every node streams objects through itself (no redirect to the
/// bucket), so downloads keep the index's own URLs, headers and download counting, and the bucket need
/// not be public.
/// </summary>
public sealed class S3FileStore : IFileStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;
    private readonly long _partSize;

    public S3FileStore(S3StorageOptions options)
    {
        _bucket = options.Bucket!;
        _prefix = options.Prefix ?? "";
        _partSize = options.PartSizeBytes;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // The SDK's default adds CRC checksums sent as trailers of an aws-chunked body, which several
            // S3-compatible servers store verbatim inside the object. Uploads are checked against the
            // client's own SHA-256 and BLAKE2b before they reach the store, so only send checksums where an
            // operation demands one.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(string.IsNullOrWhiteSpace(options.Region) ? "us-east-1" : options.Region);
        }
        _s3 = string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    private static bool IsStorePath(string path) =>
        path.Length > 0 && !path.StartsWith('/') && !path.Split('/').Any(s => s is "" or "." or "..");

    private string Key(string path)
    {
        // Paths come from our own database, but a URL is matched against them: keep them inside the prefix.
        if (!IsStorePath(path))
            throw new ArgumentException($"Path '{path}' is outside the file store.");
        return _prefix + path;
    }

    public async Task PutAsync(string path, string tempFile, CancellationToken ct)
    {
        var key = Key(path);
        var length = new FileInfo(tempFile).Length;
        // An object appears whole when its PUT, or its multipart upload's completion, succeeds: atomic as a
        // rename. The file is read from disk part by part, never held in memory.
        if (length <= _partSize)
        {
            await _s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _bucket, Key = key, FilePath = tempFile, ContentType = "application/octet-stream",
                // Chunked (aws-chunked) bodies are stored framing and all by some S3-compatible servers.
                UseChunkEncoding = false,
            }, ct);
        }
        else
        {
            await PutInPartsAsync(key, tempFile, length, ct);
        }
        // The object is in place: from here on the upload must not fail, or its caller would leave the
        // object without a row. A temporary file that cannot be removed now goes at the next start.
        try { File.Delete(tempFile); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private async Task PutInPartsAsync(string key, string tempFile, long length, CancellationToken ct)
    {
        var upload = await _s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = _bucket, Key = key, ContentType = "application/octet-stream",
        }, ct);
        try
        {
            var parts = new List<PartETag>();
            for (var (number, position) = (1, 0L); position < length; number++, position += _partSize)
            {
                var size = Math.Min(_partSize, length - position);
                var part = await _s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _bucket, Key = key, UploadId = upload.UploadId, PartNumber = number,
                    FilePath = tempFile, FilePosition = position, PartSize = size,
                    IsLastPart = position + size >= length, UseChunkEncoding = false,
                }, ct);
                parts.Add(new PartETag(number, part.ETag));
            }
            await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _bucket, Key = key, UploadId = upload.UploadId, PartETags = parts,
            }, ct);
        }
        catch
        {
            // Parts of an unfinished upload are invisible but billed; drop them. The request may be what
            // was cancelled, so this does not take its token.
            try
            {
                await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = _bucket, Key = key, UploadId = upload.UploadId,
                }, CancellationToken.None);
            }
            catch (Exception)
            {
                // The first failure is the one to report (the store may be unreachable altogether); the
                // bucket's lifecycle rule for incomplete uploads is the backstop for parts left behind.
            }
            throw;
        }
    }

    public async Task PutBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken ct)
    {
        using var body = new MemoryStream(content.ToArray(), writable: false);
        await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _bucket, Key = Key(path), InputStream = body, AutoCloseStream = false,
            ContentType = "application/octet-stream", UseChunkEncoding = false,
        }, ct);
    }

    public async Task<StoredFile?> OpenAsync(string path, CancellationToken ct)
    {
        var key = Key(path);
        GetObjectMetadataResponse head;
        try
        {
            head = await _s3.GetObjectMetadataAsync(_bucket, key, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        var length = head.ContentLength;
        var modified = head.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime()) : DateTimeOffset.UnixEpoch;
        return StoredFile.Remote(length, modified, () => new S3ObjectStream(_s3, _bucket, key, length));
    }

    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        // S3 answers a delete of a missing key with success, like File.Delete.
        await _s3.DeleteObjectAsync(_bucket, Key(path), ct);
    }

    public async IAsyncEnumerable<StoredEntry> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        // One page of up to a thousand keys per request; the bucket may hold other things beside the prefix.
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = _prefix.Length > 0 ? _prefix : null };
        while (true)
        {
            var page = await _s3.ListObjectsV2Async(request, ct);
            foreach (var o in page.S3Objects ?? [])
            {
                // Folder markers and keys this store could not have written ("a//b") are someone else's.
                if (!IsStorePath(o.Key[_prefix.Length..])) continue;
                var modified = o.LastModified is { } m ? new DateTimeOffset(m.ToUniversalTime()) : DateTimeOffset.UnixEpoch;
                yield return new StoredEntry(o.Key[_prefix.Length..], o.Size ?? 0, modified);
            }
            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken)) yield break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public void Dispose() => _s3.Dispose();
}
