namespace Cheeseshop.Mail;

/// <summary>The message could not be handed to the relay (or written to the outbox).</summary>
public sealed class MailDeliveryException(string message, Exception inner) : Exception(message, inner);
