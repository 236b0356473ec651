using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Pipeline.Embedded;
using Bpdp.Pipeline.Observing;
using Bpdp.Pipeline.Traffic;
using Bpdp.Testing;
using Deque.AxeCore.Playwright;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Bpdp.IntegrationTests.Console;

/// <summary>
/// The console in Debian's Chromium against a real embedded pipeline: the demo's three deployments listed with their
/// outcomes, the rolled-back one's chart showing the breaching measurement above the threshold, the ledger verified;
/// a new deployment appearing and changing state on an open page with no reload; an abort refused for a viewer and
/// sent for an operator, which rolls the deployment back and is in the ledger with the operator's name; axe finds no
/// violation on any page; a notification the on-call pager never received is shown as undeliverable. With <c>BPDP_CONSOLE_SCREENSHOTS=&lt;folder&gt;</c> it saves a screenshot of each page there.
/// </summary>
public sealed class ConsoleInTheBrowserTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);
    private readonly string workdir = Directory.CreateTempSubdirectory("bpdp-console-e2e-").FullName;
    private readonly PipelineRecorder recorder = new();
    private readonly ApprovalSigning approvals = new();
    private readonly string? screenshots = Environment.GetEnvironmentVariable("BPDP_CONSOLE_SCREENSHOTS");
    private WebApplication app = null!;
    private SteadyLoad? users;

    public async Task InitializeAsync()
    {
        // The on-call pager is down: its notification of the rollback is undeliverable, which the console must show.
        var secret = Path.Combine(workdir, "pager.secret");
        await File.WriteAllTextAsync(secret, "pager");
        app = EmbeddedPipeline.Build(workdir, PublishedExecutor.Path, approvals.Key, recorder, new Dictionary<string, string?>
        {
            ["Notifier:Routes:0:Name"] = "oncall",
            ["Notifier:Routes:0:Triggers:0"] = nameof(DeploymentRolledBack),
            ["Notifier:Routes:0:Sinks:0"] = "pager",
            ["Notifier:Sinks:pager:Url"] = $"http://127.0.0.1:{FreeTcpPort.Next()}/pager",
            ["Notifier:Sinks:pager:SecretFile"] = secret,
            ["Notifier:Attempts"] = "2",
            ["Notifier:FirstRetrySeconds"] = "0.1",
            ["Notifier:PollMilliseconds"] = "100",
        });
        recorder.Received += message =>
        {
            if (message is TrafficCutOver { LiveEndpoint: { } live } && users is null)
            {
                var load = new SteadyLoad(new Uri(live), perSecond: 25);
                if (Interlocked.CompareExchange(ref users, load, null) is null)
                {
                    load.Start();
                }
            }
        };
        await app.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (users is not null)
        {
            await users.DisposeAsync();
        }

        await app.StopAsync();
        await app.DisposeAsync();
        approvals.Dispose();
        Directory.Delete(workdir, recursive: true);
    }

    [Fact]
    public async Task Operators_see_every_deployment_its_evidence_and_the_ledger_live_and_only_operators_abort()
    {
        var v100 = await Deploy("v1.0.0.yaml", typeof(DeploymentCompleted));
        var v110 = await Deploy("v1.1.0.yaml", typeof(DeploymentCompleted));
        var v101 = await Deploy("v1.0.1.yaml", typeof(DeploymentRolledBack));
        var console = new Uri(app.Urls.First() + "/");
        var (playwright, browser) = await Browser.Launch();
        using (playwright)
        {
            await using (browser)
            {
                await SignInPage(browser, console);
                var viewer = await Browser.SignIn(browser, console, "viewer", DemoConsole.Password(workdir, "viewer"), Heard);
                await ListsTheDemo(viewer, v100, v110, v101);
                await ShowsTheBreach(viewer, v101);
                await ShowsTheLedger(viewer);
                await ShowsWhatCouldNotBeNotified(viewer, v101);
                await AbortsOnlyForOperators(browser, console, viewer);
            }
        }
    }

    private async Task SignInPage(IBrowser browser, Uri console)
    {
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = console.ToString() })).NewPageAsync();
        await page.GotoAsync("/login?failed=1");
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("The name or the password is not right.");
        await Accessible(page, "sign-in");
        var response = await page.APIRequest.PostAsync("/login", new APIRequestContextOptions
        {
            Form = page.APIRequest.CreateFormData().Set("name", "viewer").Set("password", "wrong").Set("returnUrl", "//elsewhere.example/"),
            MaxRedirects = 0,
        });
        Assert.Equal((302, "/login?failed=1&returnUrl=%2F"), (response.Status, response.Headers["location"]));
        await page.Context.CloseAsync();
    }

    private async Task ListsTheDemo(IPage page, Guid v100, Guid v110, Guid v101)
    {
        await page.GotoAsync("/");
        try
        {
            await Expect(page.Locator("tr[data-deployment]")).ToHaveCountAsync(3);
        }
        catch (PlaywrightException)
        {
            output.WriteLine(await page.ContentAsync());
            throw;
        }

        foreach (var (id, outcome) in new[] { (v100, "Live"), (v110, "Live"), (v101, "RolledBack") })
        {
            await Expect(page.Locator($"tr[data-deployment='{id}'] td[data-field='outcome']")).ToContainTextAsync(outcome);
        }

        await Expect(page.Locator("tr[data-deployment] td:nth-child(4)").First).ToHaveTextAsync("jane.doe@osha.example");
        await Accessible(page, "deployments");
    }

    private async Task ShowsTheBreach(IPage page, Guid v101)
    {
        await page.GotoAsync($"/deployments/{v101}");
        var chart = page.Locator("canvas[data-metric='error-rate'][data-phase='PrePromotion']");
        await Expect(chart).ToBeVisibleAsync();
        var datasets = JsonDocument.Parse(await chart.EvaluateAsync<string>(
            "canvas => JSON.stringify(Chart.getChart(canvas).data.datasets.map(d => ({ label: d.label, y: d.data.map(p => p.y) })))")).RootElement;
        var measured = datasets[0].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var threshold = datasets[1].GetProperty("y").EnumerateArray().Select(v => v.GetDouble()).Distinct().Single();
        var breach = recorder.For(v101).Select(m => m.Message).OfType<KpiFailed>().Single().Measurements.First(m => m is { Metric: "error-rate", Outcome: MeasurementOutcome.Failed });
        Assert.Equal(breach.Threshold, threshold);
        Assert.Contains(breach.Value!.Value, measured);
        Assert.Contains(measured, value => value > threshold);
        await Expect(page.Locator("table.measurements[data-metric='error-rate'] tr.verdict-fail")).ToHaveCountAsync(
            recorder.For(v101).Select(m => m.Message).OfType<KpiFailed>().Single().Measurements.Count(m => m is { Metric: "error-rate", Outcome: MeasurementOutcome.Failed }));
        await Expect(page.Locator(".gate[data-phase='PrePromotion'] .verdict")).ToContainTextAsync("error-rate failed");
        await Expect(page.Locator("dl.facts")).ToContainTextAsync("sha256:");
        await Expect(page.Locator("#ledger-entries tbody tr")).ToHaveCountAsync(recorder.For(v101).Count);
        await Expect(page.Locator("#no-actions")).ToHaveCountAsync(0);
        await Accessible(page, "deployment");
    }

    private async Task ShowsTheLedger(IPage page)
    {
        await page.GotoAsync("/ledger");
        await Expect(page.Locator("#verdict")).ToContainTextAsync("Verified:");
        await Accessible(page, "ledger");
    }

    private async Task ShowsWhatCouldNotBeNotified(IPage page, Guid v101)
    {
        await page.GotoAsync("/notifications");
        var row = page.Locator("tr[data-notification]");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("td[data-field='status']")).ToHaveTextAsync("Undeliverable", new LocatorAssertionsToHaveTextOptions { Timeout = 30_000 });
        await Expect(row).ToContainTextAsync("could not be reached");
        await Expect(row.Locator("a")).ToHaveAttributeAsync("href", $"/deployments/{v101}");
        await Expect(page.Locator("#undeliverable")).ToContainTextAsync("1 undeliverable");
        await Accessible(page, "notifications");
    }

    private async Task AbortsOnlyForOperators(IBrowser browser, Uri console, IPage viewer)
    {
        await viewer.GotoAsync("/");
        await viewer.EvaluateAsync("() => window.stillThisPage = true");
        var yaml = (await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", "v1.1.0.yaml")))
            .Replace("  soak: 30s\n", "  soak: 30s\n  promotion: manual\n", StringComparison.Ordinal)
            .Replace("  version: 1.1.0\n", "  version: 1.2.0\n", StringComparison.Ordinal);
        var approval = approvals.Sign(approvals.Approve(yaml, environment: "console-manual") with { ApproverKeyId = EmbeddedPipeline.ApproverKeyId }, approvals.Key);
        await app.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
        var row = viewer.Locator($"tr[data-deployment='{approval.DeploymentId}'] td[data-field='state']");
        await Expect(row).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await Expect(row).ToHaveTextAsync("Promoting", new LocatorAssertionsToHaveTextOptions { Timeout = 90_000 });
        Assert.True(await viewer.EvaluateAsync<bool>("() => window.stillThisPage === true"), "the page was reloaded");

        var refused = await viewer.EvaluateAsync<JsonElement>($$"""
            async () => { const r = await fetch('/api/deployments/{{approval.DeploymentId}}/abort', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Bpdp-Console': '1' },
              body: JSON.stringify({ reason: 'a viewer tries' }) }); return { status: r.status, message: (await r.json()).message }; }
            """);
        Assert.Equal(403, refused.GetProperty("status").GetInt32());
        Assert.Equal("viewer may not abort deployments of osha: a viewer only reads", refused.GetProperty("message").GetString());

        var operatorPage = await Browser.SignIn(browser, console, "operator", DemoConsole.Password(workdir, "operator"), Heard);
        await operatorPage.GotoAsync($"/deployments/{approval.DeploymentId}");
        await Accessible(operatorPage, "deployment-actions");
        await operatorPage.GetByLabel("Reason to abort").FillAsync("wrong rulebook for this week");
        await operatorPage.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Abort" }).ClickAsync();
        await Expect(operatorPage.Locator("#action-result")).ToContainTextAsync("abort of");
        await Expect(operatorPage.Locator("#state")).ToHaveTextAsync("RolledBack", new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 });

        var abort = recorder.For(approval.DeploymentId).Select(m => m.Message).OfType<AbortDeployment>().Single();
        Assert.Equal(("operator", "wrong rulebook for this week", DemoConsole.OperatorKeyId), (abort.RequestedBy, abort.Reason, abort.OperatorKeyId));
        Assert.Contains("aborted by operator", recorder.For(approval.DeploymentId).Select(m => m.Message).OfType<DeploymentRolledBack>().Single().Reason, StringComparison.Ordinal);
        await Expect(operatorPage.Locator("#ledger-entries tbody")).ToContainTextAsync("AbortDeployment");
        await Expect(viewer.Locator($"tr[data-deployment='{approval.DeploymentId}'] td[data-field='outcome']")).ToContainTextAsync("RolledBack");
    }

    private void Heard(string error)
    {
        lock (output)
        {
            output.WriteLine($"browser: {error}");
        }
    }

    private async Task Accessible(IPage page, string name)
    {
        var results = await page.RunAxe();
        Assert.True(results.Violations.Length == 0,
            $"axe on the {name} page: " + string.Join("; ", results.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
        if (screenshots is not null)
        {
            Directory.CreateDirectory(screenshots);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(screenshots, $"console-{name}.jpg"), FullPage = true, Type = ScreenshotType.Jpeg, Quality = 70 });
        }
    }

    private async Task<Guid> Deploy(string example, Type expected)
    {
        var yaml = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "examples", "haz-fast", example));
        var approval = approvals.Sign(approvals.Approve(yaml, environment: "console-e2e") with { ApproverKeyId = EmbeddedPipeline.ApproverKeyId }, approvals.Key);
        await app.Services.GetRequiredService<IPublishEndpoint>().Publish(approval);
        await Eventually.Holds(() => Task.FromResult(recorder.Terminal(approval.DeploymentId) is not null), $"{example} ended", Patience);
        Assert.IsType(expected, recorder.Terminal(approval.DeploymentId));
        return approval.DeploymentId;
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
