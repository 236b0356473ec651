using Bpdp.Notifier.Triggers;

namespace Bpdp.Notifier.Store;

/// <summary>A notification this replica has claimed for one attempt, with the attempts made before it.</summary>
public sealed record HeldNotification(Notification Notification, int Attempts);
