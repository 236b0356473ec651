using Bpdp.Executor;

namespace Bpdp.Rollout.Local;

/// <summary>The executor library hosted in this process on its own port, serving the image's policy file.</summary>
public sealed class InProcessExecutor : IRunningExecutor
{
    private readonly WebApplication app;

    private InProcessExecutor(WebApplication app, Uri address, string digest)
    {
        this.app = app;
        Address = address;
        Digest = digest;
    }

    public Uri Address { get; }

    public string Digest { get; }

    public static async Task<InProcessExecutor> Start(string rootfs, string digest, string color, string listenAddress, CancellationToken cancel)
    {
        var app = ExecutorApp.Build(["--urls", $"http://{listenAddress}:0"], options =>
        {
            options.PolicyPath = Path.Combine(rootfs, "policy", "policy.yaml");
            options.Color = color;
        }, logging => logging.ClearProviders());
        await app.StartAsync(cancel);
        return new InProcessExecutor(app, new Uri(app.Urls.First() + "/"), digest);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
