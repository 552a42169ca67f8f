namespace Cheeseshop.Core.Upload;

/// <summary>What becomes of an upload. The kinds of refusal are the ones the upload API answers with
/// distinct statuses; the endpoint maps each to its HTTP status.</summary>
public enum UploadVerdict
{
    /// <summary>The file is new to the index and goes in.</summary>
    Accepted,

    /// <summary>The very same file (its name and both digests) is in the index already: a success that changes
    /// nothing, as on warehouse, so a client that retries after a lost response is not told it failed.</summary>
    AlreadyPresent,

    /// <summary>The request or the file is wrong.</summary>
    BadRequest,

    /// <summary>The uploader may not upload to this project.</summary>
    Forbidden,

    /// <summary>Another change to the project won at the same moment; trying again may succeed.</summary>
    Conflict,

    /// <summary>The file, the form or the project would be larger than the limits allow.</summary>
    TooLarge,

    /// <summary>An action of the upload API that no longer exists.</summary>
    Gone,
}

/// <summary>The answer to an upload: accepted, or refused with a message for the person running the
/// client (twine prints it).</summary>
public sealed record UploadDecision(UploadVerdict Verdict, string Message)
{
    public static readonly UploadDecision Accepted = new(UploadVerdict.Accepted, "");
    public static readonly UploadDecision AlreadyPresent = new(UploadVerdict.AlreadyPresent, "");

    /// <summary>The upload succeeds (whether or not anything changed).</summary>
    public bool Succeeded => Verdict is UploadVerdict.Accepted or UploadVerdict.AlreadyPresent;

    public static UploadDecision BadRequest(string message) => new(UploadVerdict.BadRequest, message);
    public static UploadDecision Forbidden(string message) => new(UploadVerdict.Forbidden, message);
    public static UploadDecision Conflict(string message) => new(UploadVerdict.Conflict, message);
    public static UploadDecision TooLarge(string message) => new(UploadVerdict.TooLarge, message);
    public static UploadDecision Gone(string message) => new(UploadVerdict.Gone, message);
}
