namespace Bpdp.Rollout.Local;

/// <summary>One executor of one color, listening at <see cref="Address"/>.</summary>
public interface IRunningExecutor : IAsyncDisposable
{
    Uri Address { get; }

    /// <summary>The image digest it runs.</summary>
    string Digest { get; }
}
