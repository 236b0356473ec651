namespace Bpdp.WebConsole.Auth;

/// <summary>
/// <c>Console:Oidc</c>: sign-in with an OpenID Connect provider (authorization code flow with PKCE). The role and the
/// agencies come from the ID token's claims.
/// </summary>
public sealed class OidcOptions
{
    /// <summary><c>Authority</c>: the provider's issuer URL (its discovery document is read from there).</summary>
    public Uri? Authority { get; set; }

    /// <summary><c>ClientId</c>: the console's client id at the provider.</summary>
    public string? ClientId { get; set; }

    /// <summary><c>ClientSecretFile</c>: the client secret, from a file; none for a public client.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary><c>RoleClaim</c>: the claim whose value <c>bpdp-operator</c> makes an Operator (anything else: Viewer).</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary><c>AgencyClaim</c>: the claim listing the agencies an operator acts for.</summary>
    public string AgencyClaim { get; set; } = "agencies";
}
