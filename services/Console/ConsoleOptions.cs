using System.ComponentModel.DataAnnotations;
using Bpdp.Platform.Bus;
using Bpdp.WebConsole.Auth;

namespace Bpdp.WebConsole;

/// <summary>Configuration section <c>Console</c>: where the console reads, who may sign in, and the key its actions are signed with.</summary>
public sealed class ConsoleOptions : IStageOptions
{
    public const string Section = "Console";

    /// <summary><c>Console:Queue</c>: the console's own queue, bound to every pipeline message.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][a-z0-9._-]*$", ErrorMessage = "Console:Queue must be a lowercase queue name.")]
    public string Queue { get; set; } = "console";

    /// <summary>
    /// <c>Console:LedgerUrl</c>: the Ledger's read API. The console fills its board from it at start (so a restarted
    /// console shows what happened before), shows each deployment's ledger entries and whether the chain verifies.
    /// </summary>
    public Uri? LedgerUrl { get; set; }

    /// <summary>
    /// <c>Console:LedgerInProcess</c>: the Ledger runs in this process (<c>bpdp up</c>, <c>bpdp demo</c>); its read API is
    /// asked on this process's own address when <see cref="LedgerUrl"/> is not set.
    /// </summary>
    public bool LedgerInProcess { get; set; }

    /// <summary><c>Console:NotifierUrl</c>: the Notifier's API, for the notifications page (what was sent, what could not be).</summary>
    public Uri? NotifierUrl { get; set; }

    /// <summary><c>Console:NotifierInProcess</c>: the Notifier runs in this process; its API is asked on this process's own address.</summary>
    public bool NotifierInProcess { get; set; }

    /// <summary>
    /// <c>Console:MaxDeployments</c>: how many deployments the board keeps; past it, the oldest that have ended are let go
    /// (the ledger keeps them all), so forged messages naming made-up deployments cannot grow it without bound.
    /// </summary>
    [Range(10, 1_000_000)]
    public int MaxDeployments { get; set; } = 5000;

    /// <summary><c>Console:Accounts:&lt;name&gt;</c>: local accounts, for the embedded mode and installations without an identity provider.</summary>
    public Dictionary<string, LocalAccount> Accounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary><c>Console:Oidc</c>: OpenID Connect sign-in, for real installations; when set, local accounts are still accepted if configured.</summary>
    public OidcOptions? Oidc { get; set; }

    /// <summary>
    /// <c>Console:OperatorKeyFile</c>: the console's operator key (PEM ECDSA P-256); aborts and promotions of signed-in
    /// operators are signed with it, naming the operator. Without it the console is read-only.
    /// </summary>
    public string? OperatorKeyFile { get; set; }

    /// <summary>
    /// <c>Console:KeysDirectory</c>: where the keys that protect session cookies are kept, so sessions survive a restart
    /// and replicas accept each other's (a shared volume); without it they live in memory.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary><c>Console:OperatorKeyId</c>: the key's id, as the Coordinator's <c>OperatorKeys</c> name it.</summary>
    public string? OperatorKeyId { get; set; }
}
