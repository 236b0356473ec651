namespace Bpdp.Cli.Signing;

/// <summary>An operator's signing key could not be used, said in words the operator can act on: a usage error, exit code 2.</summary>
public sealed class OperatorKeyException(string message) : Exception(message);
