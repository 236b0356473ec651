namespace Bpdp.Platform.Bus;

/// <summary>A stage's options section: at least the queue its consumers share, validated like every other key.</summary>
public interface IStageOptions
{
    /// <summary>The kebab-case queue the stage reads, named after the stage (<c>builder</c>, <c>scanner</c>, …).</summary>
    string Queue { get; }
}
