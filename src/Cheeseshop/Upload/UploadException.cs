using Cheeseshop.Core.Upload;

namespace Cheeseshop.Upload;

/// <summary>A request refused while its body is read, before the upload rules see it (a malformed or
/// oversized multipart body). The endpoint answers it as it answers a refused decision.</summary>
public sealed class UploadException(UploadDecision decision) : Exception(decision.Message)
{
    public UploadDecision Decision { get; } = decision;
}
