namespace Bpdp.Images.Registry;

/// <summary>
/// Reads a response body only up to a limit, refusing as soon as it is known to be longer: a registry or token
/// service that answers with gigabytes cannot make a stage buffer them. The response must have been read with
/// <see cref="HttpCompletionOption.ResponseHeadersRead"/>, or the client has buffered it already.
/// </summary>
public static class BoundedBody
{
    public static async Task<byte[]> Read(HttpResponseMessage response, int maxBytes, string what, string limitName, CancellationToken cancel)
    {
        if (response.Content.Headers.ContentLength is { } length && length > maxBytes)
        {
            throw new InvalidDataException($"{what} is {length} bytes, more than the {maxBytes} bytes this read allows{limitName}.");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        using var content = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancel)) > 0)
        {
            if (content.Length + read > maxBytes)
            {
                throw new InvalidDataException($"{what} is more than the {maxBytes} bytes this read allows{limitName}.");
            }

            content.Write(chunk, 0, read);
        }

        return content.ToArray();
    }

    /// <summary>At most <paramref name="maxBytes"/> of the body as text, the rest dropped: for error messages, which only need their start.</summary>
    public static async Task<string> Start(HttpResponseMessage response, int maxBytes, CancellationToken cancel)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        var buffer = new byte[maxBytes];
        var filled = 0;
        int read;
        while (filled < maxBytes && (read = await body.ReadAsync(buffer.AsMemory(filled), cancel)) > 0)
        {
            filled += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
    }
}
