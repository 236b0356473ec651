namespace Bpdp.Notifier.Sinks;

/// <summary>Reads a sink's secret at each attempt, so a rotated file is used at once; a file that cannot be read fails the attempt by name.</summary>
internal static class SecretFiles
{
    public static async Task<string> Read(string sink, string key, string path, CancellationToken cancel)
    {
        try
        {
            var value = (await File.ReadAllTextAsync(path, cancel)).Trim();
            return value.Length > 0 ? value : throw new SinkFailure($"sink '{sink}': {key} {path} is empty");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new SinkFailure($"sink '{sink}': {key} {path} cannot be read ({error.GetType().Name})");
        }
    }

    public static async Task<Uri> Address(string sink, SinkOptions options, CancellationToken cancel)
    {
        if (options.Url is { } url)
        {
            return url;
        }

        var text = await Read(sink, "UrlFile", options.UrlFile!, cancel);
        return Uri.TryCreate(text, UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
            ? address
            : throw new SinkFailure($"sink '{sink}': UrlFile {options.UrlFile} does not hold an http(s) address");
    }
}
