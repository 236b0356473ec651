using System.CommandLine;
using Bpdp.WebConsole.Auth;

namespace Bpdp.Cli.Commands;

/// <summary><c>bpdp console hash-password</c>: the hash file of a console account (<c>Console:Accounts:&lt;name&gt;:PasswordHashFile</c>).</summary>
internal static class ConsoleCommand
{
    public static Command Create()
    {
        var output = new Option<FileInfo>("--output", "-o") { Description = "The hash file to write (readable by its owner only).", Required = true };
        var hash = new Command("hash-password", "Read a password from standard input (one line) and write its PBKDF2 hash for a console account.") { output };
        hash.SetAction(async (result, cancel) =>
        {
            var password = (await Console.In.ReadLineAsync(cancel))?.TrimEnd('\r');
            if (string.IsNullOrEmpty(password) || password.Length < 12)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("bpdp console hash-password: give a password of at least 12 characters on standard input.");
                return 2;
            }

            var file = result.GetRequiredValue(output);
            await File.WriteAllTextAsync(file.FullName, LocalSignIn.Hash(password) + "\n", cancel);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await result.InvocationConfiguration.Output.WriteLineAsync($"wrote {file.FullName}: set Console:Accounts:<name>:PasswordHashFile to it");
            return 0;
        });
        return new Command("console", "The operators' web console.") { hash };
    }
}
