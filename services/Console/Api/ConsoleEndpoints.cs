using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Threading.Channels;
using Bpdp.WebConsole.Actions;
using Bpdp.WebConsole.Auth;
using Bpdp.WebConsole.Board;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Bpdp.WebConsole.Api;

/// <summary>
/// The console's pages and its JSON API. Every page and API call needs a signed-in person; actions also need the
/// <c>X-Bpdp-Console</c> header, which a cross-site form cannot send, besides the strict same-site cookie.
/// </summary>
public static class ConsoleEndpoints
{
    public const string ActionHeader = "X-Bpdp-Console";

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.ServiceProvider.GetService<ConsoleSwitch>() is not { Enabled: true })
        {
            return app;
        }

        app.MapGet("/assets/{**path}", (string path) => UiAssets.Serve(path)).AllowAnonymous();
        app.MapGet("/login", () => UiAssets.Serve("login.html")).AllowAnonymous();
        app.MapPost("/login", SignIn).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/login/oidc", (string? returnUrl) => Results.Challenge(new AuthenticationProperties { RedirectUri = Local(returnUrl) }, [ConsoleAuthentication.OidcScheme]))
            .AllowAnonymous();
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(ConsoleAuthentication.CookieScheme);
            return Results.Redirect("/login");
        }).DisableAntiforgery();

        foreach (var page in new[] { "/", "/deployments/{id:guid}", "/ledger", "/notifications" })
        {
            app.MapGet(page, () => UiAssets.Serve("index.html")).RequireAuthorization();
        }

        var api = app.MapGroup("/api").RequireAuthorization();
        api.MapGet("/me", (ClaimsPrincipal user, IOptions<ConsoleOptions> options) => new Me(user.Identity!.Name!, ConsoleClaims.RoleOf(user).ToString(),
            [.. user.FindAll(ConsoleClaims.Agency).Select(c => c.Value)], options.Value.OperatorKeyFile is not null));
        api.MapGet("/deployments", (DeploymentBoard board) => board.List());
        api.MapGet("/deployments/{id:guid}", (Guid id, DeploymentBoard board, ClaimsPrincipal user) => board.Detail(id) is { } detail
            ? Results.Ok(new DeploymentPage(detail, ConsoleClaims.MayAct(user, detail.Summary.Agency)))
            : Results.NotFound(new Problem($"no deployment {id} is known to the console")));
        api.MapGet("/deployments/{id:guid}/ledger", DeploymentLedger);
        api.MapGet("/ledger", LedgerState);
        api.MapGet("/notifications", Notifications);
        api.MapGet("/events", (DeploymentBoard board, CancellationToken cancel) => TypedResults.ServerSentEvents(Changes(board, cancel)));
        api.MapPost("/deployments/{id:guid}/abort", async (Guid id, [FromBody] AbortRequest request, HttpContext http, OperatorCommands commands, CancellationToken cancel) =>
            Answer(http, await Guarded(http, () => commands.Abort(http.User, id, request.Reason, cancel))));
        api.MapPost("/deployments/{id:guid}/promote", async (Guid id, HttpContext http, OperatorCommands commands, CancellationToken cancel) =>
            Answer(http, await Guarded(http, () => commands.Promote(http.User, id, cancel))));
        return app;
    }

    private static async Task<IResult> SignIn(HttpContext http, LocalSignIn accounts, CancellationToken cancel)
    {
        var form = await http.Request.ReadFormAsync(cancel);
        var name = form["name"].ToString();
        var returnUrl = Local(form["returnUrl"].ToString());
        if (name.Length == 0 || await accounts.Verify(name, form["password"].ToString(), cancel) is not { } account)
        {
            return Results.LocalRedirect($"/login?failed=1&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }

        await http.SignInAsync(ConsoleAuthentication.CookieScheme, ConsoleClaims.Principal(name, account.Role, account.Agencies, ConsoleAuthentication.CookieScheme));
        return Results.LocalRedirect(returnUrl);
    }

    private static async Task<IResult> LedgerState(LedgerClient ledger, CancellationToken cancel)
    {
        if (!ledger.Configured)
        {
            return Results.Ok(new { configured = false });
        }

        try
        {
            var verification = await ledger.Verify(cancel);
            var checkpoints = (await ledger.Checkpoints(cancel))?.AsArray();
            return Results.Ok(new { configured = true, verification, lastCheckpoint = checkpoints is { Count: > 0 } ? checkpoints[^1] : null });
        }
        catch (HttpRequestException error)
        {
            return Results.Ok(new { configured = true, error = $"the ledger did not answer ({error.StatusCode?.ToString() ?? error.HttpRequestError.ToString()})" });
        }
    }

    private static async Task<IResult> DeploymentLedger(Guid id, LedgerClient ledger, CancellationToken cancel)
    {
        if (!ledger.Configured)
        {
            return Results.Ok(new { configured = false });
        }

        try
        {
            return Results.Ok(new { configured = true, entries = await ledger.Timeline(id, cancel) });
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return Results.Ok(new { configured = true, error = $"the ledger did not answer ({error.GetType().Name})" });
        }
    }

    private static async Task<IResult> Notifications(string? status, NotifierClient notifier, CancellationToken cancel)
    {
        if (!notifier.Configured)
        {
            return Results.Ok(new { configured = false });
        }

        try
        {
            return Results.Ok(new { configured = true, list = await notifier.List(status, cancel) });
        }
        catch (HttpRequestException error)
        {
            return Results.Ok(new { configured = true, error = $"the Notifier did not answer ({error.StatusCode?.ToString() ?? error.HttpRequestError.ToString()})" });
        }
    }

    private static async IAsyncEnumerable<SseItem<Guid>> Changes(DeploymentBoard board, [EnumeratorCancellation] CancellationToken cancel)
    {
        var changes = Channel.CreateBounded<Guid>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
        void Heard(Guid id) => changes.Writer.TryWrite(id);
        board.Changed += Heard;
        try
        {
            yield return new SseItem<Guid>(Guid.Empty, "connected");
            await foreach (var id in changes.Reader.ReadAllAsync(cancel))
            {
                yield return new SseItem<Guid>(id, "deployment");
            }
        }
        finally
        {
            board.Changed -= Heard;
        }
    }

    private static Task<CommandOutcome> Guarded(HttpContext http, Func<Task<CommandOutcome>> act) =>
        http.Request.Headers.ContainsKey(ActionHeader)
            ? act()
            : Task.FromResult(CommandOutcome.Refused(400, $"actions must carry the {ActionHeader} header (the console's own page sends it)"));

    private static IResult Answer(HttpContext http, CommandOutcome result) => Results.Json(new Problem(result.Message), statusCode: result.Status);

    /// <summary>A path of this site to return to, or <c>/</c>: never another host (<c>//host</c>, <c>/\host</c>, or one hidden behind a control character).</summary>
    private static string Local(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || url[1] is not ('/' or '\\'))
            && !url.Any(c => char.IsControl(c) || c == '\\') ? url : "/";

    public sealed record Me(string Name, string Role, IReadOnlyList<string> Agencies, bool ActionsEnabled);

    public sealed record DeploymentPage(DeploymentDetail Deployment, bool MayAct);

    public sealed record AbortRequest(string? Reason);

    public sealed record Problem(string Message);
}
