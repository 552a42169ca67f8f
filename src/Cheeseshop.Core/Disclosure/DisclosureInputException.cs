namespace Cheeseshop.Core.Disclosure;

/// <summary>An operator's input that cannot be acted on (an unknown kind, category or username, a due
/// date before the received date, ...). The message names what is wrong and is shown as it is.</summary>
public sealed class DisclosureInputException(string message) : Exception(message);
