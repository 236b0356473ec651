using System.Security.Claims;

namespace Bpdp.WebConsole.Auth;

/// <summary>The console's own claims, whichever way a person signed in.</summary>
public static class ConsoleClaims
{
    public const string Agency = "bpdp:agency";

    public static ClaimsPrincipal Principal(string name, ConsoleRole role, IEnumerable<string> agencies, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role.ToString()), .. agencies.Select(a => new Claim(Agency, a))],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    public static ConsoleRole RoleOf(ClaimsPrincipal user) =>
        user.IsInRole(nameof(ConsoleRole.Operator)) ? ConsoleRole.Operator : ConsoleRole.Viewer;

    /// <summary>True when <paramref name="user"/> is an operator for <paramref name="agency"/>.</summary>
    public static bool MayAct(ClaimsPrincipal user, string? agency) =>
        agency is not null && RoleOf(user) == ConsoleRole.Operator
        && user.FindAll(Agency).Any(c => c.Value == "*" || string.Equals(c.Value, agency, StringComparison.OrdinalIgnoreCase));
}
