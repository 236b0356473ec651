using Bpdp.Images.Registry;

namespace Bpdp.Images;

/// <summary>
/// The failures of an image store that no redelivery will mend once its own retries are spent — a registry
/// down or refusing, a missing or corrupt image, a timeout, an answer that is not JSON — and that a stage
/// therefore reports as a failed deployment rather than leaving the message to the error queue.
/// </summary>
public static class ImageStoreFailure
{
    public static bool Is(Exception error, CancellationToken cancel) =>
        !cancel.IsCancellationRequested
        && error is RegistryException or HttpRequestException or ImageNotFoundException or InvalidDataException or IOException
            or ArgumentException or System.Text.Json.JsonException or TaskCanceledException;
}
