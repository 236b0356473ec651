using Bpdp.Notifier.Routing;

namespace Bpdp.Notifier.Store;

/// <summary>A notification's delivery as the store has it: what operators see at <c>GET /v1/notifications</c>. Never a secret.</summary>
public sealed record NotificationState(
    Guid Id,
    Guid DeploymentId,
    Trigger Trigger,
    string Route,
    string Sink,
    string Title,
    NotificationStatus Status,
    int Attempts,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt);
