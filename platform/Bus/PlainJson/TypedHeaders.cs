using MassTransit;

namespace Bpdp.Platform.Bus.PlainJson;

/// <summary>The transport headers of a plain JSON body with its message types set, as if an envelope had named them.</summary>
internal sealed class TypedHeaders(Headers transport, string messageTypes) : Headers
{
    public IEnumerable<KeyValuePair<string, object>> GetAll() =>
        transport.GetAll().Where(header => !IsMessageType(header.Key)).Append(new KeyValuePair<string, object>(MessageHeaders.MessageType, messageTypes));

    public bool TryGetHeader(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? value)
    {
        if (IsMessageType(key))
        {
            value = messageTypes;
            return true;
        }

        return transport.TryGetHeader(key, out value);
    }

    public T? Get<T>(string key, T? defaultValue = default)
        where T : class =>
        IsMessageType(key) ? messageTypes as T ?? defaultValue : transport.Get(key, defaultValue);

    public T? Get<T>(string key, T? defaultValue = null)
        where T : struct =>
        transport.Get(key, defaultValue);

    public IEnumerator<HeaderValue> GetEnumerator() =>
        GetAll().Select(header => new HeaderValue(header.Key, header.Value)).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private static bool IsMessageType(string key) => string.Equals(key, MessageHeaders.MessageType, StringComparison.OrdinalIgnoreCase);
}
