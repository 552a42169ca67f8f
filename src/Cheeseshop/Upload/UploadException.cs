namespace Cheeseshop.Upload;

/// <summary>An upload refused with an HTTP status and a message for a person (twine prints the reason phrase).</summary>
public sealed class UploadException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
