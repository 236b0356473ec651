using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Bpdp.WebConsole.Auth;

/// <summary>
/// Sign-in: a strict same-site, HTTP-only cookie for the session; local accounts, and OpenID Connect when
/// <c>Console:Oidc</c> names a provider (its role and agency claims become the console's). An API call without a
/// session gets 401, a page a redirect to the sign-in page.
/// </summary>
public static class ConsoleAuthentication
{
    public const string CookieScheme = "bpdp-console";
    public const string OidcScheme = "oidc";

    public static void Add(IServiceCollection services, ConsoleOptions console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var oidc = console.Oidc;
        var protection = services.AddDataProtection().SetApplicationName("bpdp-console");
        if (console.KeysDirectory is { } keys)
        {
            protection.PersistKeysToFileSystem(Directory.CreateDirectory(keys));
        }

        var authentication = services.AddAuthentication(CookieScheme).AddCookie(CookieScheme, cookie =>
        {
            cookie.Cookie.Name = "bpdp_console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.SlidingExpiration = true;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.LoginPath = "/login";
            cookie.Events.OnRedirectToLogin = context => Deny(context, StatusCodes.Status401Unauthorized);
            cookie.Events.OnRedirectToAccessDenied = context => Deny(context, StatusCodes.Status403Forbidden);
            cookie.Events.OnValidatePrincipal = StillTheSame;
        });
        if (oidc?.Authority is { } authority)
        {
            authentication.AddOpenIdConnect(OidcScheme, options =>
            {
                options.Authority = authority.ToString();
                options.ClientId = oidc.ClientId;
                options.ClientSecret = oidc.ClientSecretFile is { } file ? File.ReadAllText(file).Trim() : null;
                options.ResponseType = "code";
                options.UsePkce = true;
                // The claims are read by their names in the token (roles, sub, preferred_username), not renamed to .NET's.
                options.MapInboundClaims = false;
                options.SignInScheme = CookieScheme;
                options.Scope.Add("openid");
                options.Scope.Add("profile");
                options.Events.OnTokenValidated = context =>
                {
                    var claims = context.Principal!;
                    var name = claims.FindFirst("preferred_username")?.Value ?? claims.FindFirst("name")?.Value ?? claims.FindFirst("sub")?.Value;
                    if (name is null)
                    {
                        context.Fail("the identity provider's token names nobody (no preferred_username, name or sub claim)");
                        return Task.CompletedTask;
                    }

                    var role = claims.FindAll(oidc.RoleClaim).Any(c => c.Value == "bpdp-operator") ? ConsoleRole.Operator : ConsoleRole.Viewer;
                    context.Principal = ConsoleClaims.Principal(name, role, claims.FindAll(oidc.AgencyClaim).Select(c => c.Value), OidcScheme);
                    return Task.CompletedTask;
                };
            });
        }

        services.AddAuthorization();
    }

    /// <summary>A local account's session ends as soon as the account is removed or its role or agencies change.</summary>
    private static async Task StillTheSame(CookieValidatePrincipalContext context)
    {
        var user = context.Principal!;
        if (user.Identity?.AuthenticationType != CookieScheme)
        {
            return;
        }

        var accounts = context.HttpContext.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ConsoleOptions>>().CurrentValue.Accounts;
        var same = accounts.TryGetValue(user.Identity.Name ?? "", out var account)
            && ConsoleClaims.RoleOf(user) == account.Role
            && user.FindAll(ConsoleClaims.Agency).Select(c => c.Value).Order(StringComparer.Ordinal).SequenceEqual(account.Agencies.Order(StringComparer.Ordinal));
        if (!same)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
        }
    }

    private static Task Deny(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
