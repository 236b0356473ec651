namespace Bpdp.Coordinator.Deadlines;

/// <summary>Finds deployments whose current stage is past its deadline, wherever the saga state is kept.</summary>
public interface IDeadlineSource
{
    Task<IReadOnlyList<ExpiredDeadline>> Expired(DateTimeOffset now, CancellationToken cancel);
}

/// <summary>A deployment whose stage did not report in time.</summary>
public sealed record ExpiredDeadline(Guid DeploymentId, string State, DateTimeOffset Deadline);
