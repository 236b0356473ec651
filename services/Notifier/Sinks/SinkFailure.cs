namespace Bpdp.Notifier.Sinks;

/// <summary>An attempt a sink refused or did not answer; the message is what operators see, so it never carries a secret.</summary>
public sealed class SinkFailure(string message) : Exception(message);
