namespace Bpdp.Cli.Commands;

/// <summary>A <c>bpdp ledger</c> command was asked for something it cannot read: exit code 2, never a verdict.</summary>
internal sealed class LedgerUsageException(string message) : Exception(message);
