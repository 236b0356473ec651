namespace Bpdp.KpiGate;

/// <summary>Base URLs as events carry them, made safe for relative paths (a trailing slash).</summary>
public static class Endpoints
{
    public static Uri Base(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new Uri(url.EndsWith('/') ? url : url + "/");
    }
}
