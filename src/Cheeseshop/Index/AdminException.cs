namespace Cheeseshop.Index;

/// <summary>An admin action refused, with a message for the person who asked. The CLI prints it and exits 1;
/// the manage pages answer with <see cref="Status"/> (400 for a mistake, 403 not allowed, 404 nothing by that name).</summary>
public sealed class AdminException(string message, int status = 400) : Exception(message)
{
    public int Status { get; } = status;
}
