namespace Bpdp.WebConsole.Auth;

/// <summary><c>Console:Accounts:&lt;name&gt;</c>: one local account.</summary>
public sealed class LocalAccount
{
    /// <summary><c>PasswordHashFile</c>: a file holding the password's hash (ASP.NET Core Identity's format: <c>bpdp console hash-password</c>).</summary>
    public string? PasswordHashFile { get; set; }

    /// <summary><c>Role</c>: Viewer or Operator.</summary>
    public ConsoleRole Role { get; set; } = ConsoleRole.Viewer;

    /// <summary><c>Agencies</c>: the agencies an operator acts for; <c>*</c> for all.</summary>
    public List<string> Agencies { get; set; } = [];
}
