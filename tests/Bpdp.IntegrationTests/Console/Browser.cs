using Microsoft.Playwright;

namespace Bpdp.IntegrationTests.Console;

/// <summary>Debian's Chromium (<c>BPDP_CHROMIUM</c>, else <c>/usr/bin/chromium</c>), headless, driven by Playwright.</summary>
internal static class Browser
{
    public static string Executable => Environment.GetEnvironmentVariable("BPDP_CHROMIUM") ?? "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> Launch()
    {
        if (!File.Exists(Executable))
        {
            throw new FileNotFoundException($"no Chromium at {Executable}: apt-get install chromium (.ci/run does), or set BPDP_CHROMIUM");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            // Tests run as root in CI, where Chromium refuses its sandbox.
            Args = ["--no-sandbox"],
        });
        return (playwright, browser);
    }

    /// <summary>A fresh browser context signed in to the console as <paramref name="account"/>, through the sign-in page.</summary>
    /// <param name="errors">Receives every script error and console error of the page.</param>
    public static async Task<IPage> SignIn(IBrowser browser, Uri console, string account, string password, Action<string> errors)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = console.ToString(), ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.PageError += (_, error) => errors($"{account}: {error}");
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors($"{account}: {message.Text}");
            }
        };
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/login**");
        await page.GetByLabel("Name").FillAsync(account);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/login", StringComparison.Ordinal));
        return page;
    }
}
