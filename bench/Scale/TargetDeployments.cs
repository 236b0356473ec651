using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Bpdp.Bench.Pipeline;
using Bpdp.Contracts;

namespace Bpdp.Bench.Scale;

/// <summary>Where one agency deploys: one of its environments.</summary>
internal sealed record Target(string Agency, string Environment)
{
    public override string ToString() => $"{Agency}/{Environment}";
}

/// <summary>How one deployment went: approval → green ready (NaN if green never got ready), the terminal event, whether that was the one expected.</summary>
internal sealed record DeploymentOutcome(Guid Id, Target Target, string Version, bool Faulty, double ToGreenReadyMs, double ToTerminalMs, string Terminal, bool AsExpected,
    string? Why = null);

/// <summary>
/// One target's deployments, one after another as an agency ships them: approved, watched to their end, the next
/// approved after. From the first cutover on, the target's users call its live service (a post-promotion gate
/// judges their traffic), slower than the single-deployment benchmark's users so that 60 targets' users fit on two cores;
/// one report in five is of an establishment with no workforce, which the faulty version fails on, should its smoke
/// traffic not have found it before the cutover.
/// </summary>
internal sealed class TargetDeployments(IPipelineUnderTest pipeline, DeploymentWatch watch, ECDsa key, ScaleArtifacts artifacts, TimeSpan usersPeriod, TimeSpan timeout)
{
    /// <summary>
    /// One approval time per agency and version, as an approval system approving a release for all of an agency's
    /// environments gives it: the image's created time is the approval's, and a version's release is immutable, so
    /// approvals of one version at different times would each build another image, and all but the first be refused.
    /// </summary>
    private readonly ConcurrentDictionary<(string Agency, string Version), DateTimeOffset> approvalTimes = new();

    public async Task<List<DeploymentOutcome>> Run(Target target, int deployments, bool faultyLast)
    {
        var outcomes = new List<DeploymentOutcome>();
        PipelineUsers? users = null;
        try
        {
            for (var i = 0; i < deployments; i++)
            {
                var faulty = faultyLast && i > 0 && i == deployments - 1;
                var (version, yaml) = artifacts.For(target.Agency, i, faulty);
                var outcome = await Deploy(target, version, yaml, faulty, live => users ??= new PipelineUsers(new Uri(live), usersPeriod, noWorkforceEvery: 5));
                outcomes.Add(outcome);
                if (outcome.Terminal == "TimedOut")
                {
                    break;
                }
            }
        }
        finally
        {
            if (users is not null)
            {
                await users.DisposeAsync();
            }
        }

        return outcomes;
    }

    private async Task<DeploymentOutcome> Deploy(Target target, string version, string yaml, bool faulty, Action<string> onLive)
    {
        var unsigned = new ArtifactApproved(Guid.NewGuid(), DateTimeOffset.UtcNow, "haz-fast", version, target.Agency, target.Environment, yaml,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))), $"bench@{target.Agency}.example", pipeline.KeyId, $"BENCH-{version}",
            approvalTimes.GetOrAdd((target.Agency, version), _ => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds())), Signature: "");
        var approval = ApprovalCanonicalForm.Sign(unsigned, key);
        var watched = watch.Expect(approval.DeploymentId);
        var approvedAt = Stopwatch.GetTimestamp();
        await pipeline.Approve(approval);
        try
        {
            // Users must be on the live service before its post-promotion gate measures: started as soon as traffic moves.
            if (await Task.WhenAny(watched.CutOver.Task, watched.Terminal.Task).WaitAsync(timeout) == watched.CutOver.Task
                && (await watched.CutOver.Task).LiveEndpoint is { } live)
            {
                onLive(live);
            }

            var terminal = await watched.Terminal.Task.WaitAsync(timeout);
            var expected = faulty ? terminal is DeploymentRolledBack : terminal is DeploymentCompleted;
            return new DeploymentOutcome(approval.DeploymentId, target, version, faulty, ToReady(), Stopwatch.GetElapsedTime(approvedAt).TotalMilliseconds, terminal.GetType().Name, expected,
                expected ? null : Why(approval.DeploymentId));
        }
        catch (TimeoutException)
        {
            return new DeploymentOutcome(approval.DeploymentId, target, version, faulty, ToReady(), double.NaN, "TimedOut", AsExpected: false);
        }

        string? Why(Guid id) => pipeline.Recorder.For(id).Select(m => m.Message).Select(m => m switch
        {
            KpiFailed failed => $"{failed.Phase} gate: {failed.Reason}",
            DeploymentFailed failed => $"{failed.Stage}: {failed.Reason}",
            _ => null,
        }).OfType<string>().FirstOrDefault();

        double ToReady() => watched.Ready.Task.IsCompletedSuccessfully ? Stopwatch.GetElapsedTime(approvedAt, watched.Ready.Task.Result).TotalMilliseconds : double.NaN;
    }
}
