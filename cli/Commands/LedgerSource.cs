using System.CommandLine;
using System.Security.Cryptography;
using Bpdp.Ledger.Storage;
using Npgsql;

namespace Bpdp.Cli.Commands;

/// <summary>
/// The ledger a <c>bpdp ledger</c> command reads — <c>--workdir</c>, <c>--sqlite</c> or
/// <c>--postgres</c> — always opened read-only: the CLI is an auditor's tool, and must leave the
/// evidence exactly as it found it.
/// </summary>
internal sealed class LedgerSource
{
    public Option<DirectoryInfo?> Workdir { get; } = new("--workdir") { Description = "A `bpdp demo --workdir` folder: its ledger.db and keys/ledger.key.pem." };

    public Option<FileInfo?> Sqlite { get; } = new("--sqlite") { Description = "A SQLite ledger file (opened read-only; never created or changed)." };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = "A PostgreSQL connection string (a role that may SELECT the ledger; the session is read-only)." };

    public Option<string> Schema { get; } = new("--schema") { Description = "The ledger's PostgreSQL schema.", DefaultValueFactory = _ => "ledger" };

    public IEnumerable<Option> Options => [Workdir, Sqlite, Postgres, Schema];

    /// <summary>Opens the named ledger read-only; a missing name or file is a <see cref="LedgerUsageException"/>.</summary>
    public ILedgerReader Open(ParseResult result)
    {
        var named = new object?[] { result.GetValue(Workdir), result.GetValue(Sqlite), result.GetValue(Postgres) }.Count(o => o is not null);
        if (named != 1)
        {
            throw new LedgerUsageException("name the ledger with exactly one of --workdir, --sqlite or --postgres.");
        }

        if (result.GetValue(Postgres) is { } postgres)
        {
            var connection = new NpgsqlConnectionStringBuilder(postgres);
            connection.Options = $"{connection.Options} -c default_transaction_read_only=on".Trim();
            return new PostgresLedger(NpgsqlDataSource.Create(connection.ConnectionString), Identifier(result.GetRequiredValue(Schema)));
        }

        var file = result.GetValue(Sqlite)?.FullName ?? Path.Combine(result.GetValue(Workdir)!.FullName, "ledger.db");
        try
        {
            return SqliteLedger.OpenReadOnly(file);
        }
        catch (FileNotFoundException)
        {
            throw new LedgerUsageException($"{file}: no such ledger file (nothing was created).");
        }
    }

    /// <summary>The checkpoint key: <c>--public-key</c>, or the key in <c>--workdir</c>. Only its public half is used.</summary>
    public ECDsa Key(ParseResult result, Option<FileInfo?> publicKey)
    {
        var path = result.GetValue(publicKey)?.FullName
            ?? (result.GetValue(Workdir) is { } workdir ? Path.Combine(workdir.FullName, "keys", "ledger.key.pem")
            : throw new LedgerUsageException("give --public-key (the ledger's checkpoint public key), or --workdir."));
        if (!File.Exists(path))
        {
            throw new LedgerUsageException($"{path}: no such key file.");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            return key;
        }
        catch (ArgumentException error)
        {
            key.Dispose();
            throw new LedgerUsageException($"{path}: not a PEM ECDSA key ({error.Message}).");
        }
    }

    private static string Identifier(string schema) =>
        System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$")
            ? schema
            : throw new LedgerUsageException($"--schema '{schema}' is not a plain lowercase SQL identifier.");
}
