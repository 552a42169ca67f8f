namespace Cheeseshop.Index;

/// <summary>An admin action refused, with a message for the operator. The CLI prints it and exits 1.</summary>
public sealed class AdminException(string message) : Exception(message);
