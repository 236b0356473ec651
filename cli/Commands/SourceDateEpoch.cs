using System.Globalization;

namespace Bpdp.Cli.Commands;

/// <summary>The reproducible-builds convention for a build's timestamp: <c>$SOURCE_DATE_EPOCH</c>, in seconds.</summary>
internal static class SourceDateEpoch
{
    public static DateTimeOffset OrUnixEpoch() =>
        long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : DateTimeOffset.UnixEpoch;
}
