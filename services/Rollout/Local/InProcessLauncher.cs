using Bpdp.DataPlane;
using Bpdp.Executor;

namespace Bpdp.Rollout.Local;

/// <summary>Executors as the executor library hosted in this process, each on its own port, serving the image's policy file.</summary>
public sealed class InProcessLauncher : IExecutorLauncher
{
    public async Task<IRunningExecutor> Launch(ExecutorLaunch launch, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var app = ExecutorApp.Build(["--urls", launch.Address.ToString().TrimEnd('/')], options =>
        {
            options.PolicyPath = Path.Combine(launch.Spec.Rootfs, "policy", "policy.yaml");
            options.Color = launch.Color.ToString().ToLowerInvariant();
        }, logging => logging.ClearProviders());
        await app.StartAsync(cancel);
        return new InProcessExecutor(app, launch.Address);
    }

    public IRunningExecutor? Adopt(ExecutorLaunch launch, int processId) => null;

    public void StopOrphans(IReadOnlySet<int> kept)
    {
    }
}
