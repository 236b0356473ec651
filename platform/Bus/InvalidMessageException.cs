namespace Bpdp.Platform.Bus;

/// <summary>
/// A message that can never be processed as sent. It is not retried: it goes straight to the
/// endpoint's error queue with this exception's message as the fault reason.
/// </summary>
public sealed class InvalidMessageException(string message) : Exception(message);
