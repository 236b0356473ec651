using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Bpdp.Cli.Commands;

/// <summary>
/// Runs a <c>bpdp ledger</c> command so that its exit code means one thing to an auditor's script:
/// 0 valid (or done), 1 invalid, 2 anything else — a parse error, a missing or unreadable ledger, key
/// or checkpoint file. System.CommandLine reports parse errors with exit 1, which a script would read
/// as "invalid"; so this action claims them (<see cref="ClearsParseErrors"/>) and, since claiming
/// clears them, parses the tokens once more without claiming to see what they were.
/// </summary>
internal sealed class LedgerAction(string name, Func<ParseResult, CancellationToken, Task<int>> run) : AsynchronousCommandLineAction
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int Error = 2;

    private bool reparsing;

    public override bool ClearsParseErrors => !reparsing;

    public override async Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default)
    {
        var stderr = parseResult.InvocationConfiguration.Error;
        var errors = ParseErrors(parseResult);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"bpdp {name}: {error.Message}");
            }

            return Error;
        }

        try
        {
            return await run(parseResult, cancellationToken);
        }
        catch (Exception error) when (error is LedgerUsageException or IOException or UnauthorizedAccessException or FormatException
            or CryptographicException or SqliteException or NpgsqlException)
        {
            await stderr.WriteLineAsync($"bpdp {name}: {error.Message}");
            return Error;
        }
    }

    private IReadOnlyList<ParseError> ParseErrors(ParseResult parseResult)
    {
        reparsing = true;
        try
        {
            return parseResult.RootCommandResult.Command.Parse([.. parseResult.Tokens.Select(t => t.Value)]).Errors;
        }
        finally
        {
            reparsing = false;
        }
    }
}
