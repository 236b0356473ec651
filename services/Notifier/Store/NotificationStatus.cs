using System.Text.Json.Serialization;

namespace Bpdp.Notifier.Store;

/// <summary>Where a notification is in its delivery.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotificationStatus>))]
public enum NotificationStatus
{
    /// <summary>Not delivered yet: due now, or after its last failed attempt's wait.</summary>
    Pending,

    /// <summary>The sink accepted it.</summary>
    Delivered,

    /// <summary>Every attempt failed; copied to the Notifier's <c>_error</c> queue.</summary>
    Undeliverable,
}
