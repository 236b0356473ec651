using System.Collections.Concurrent;

namespace Bpdp.Scanner.Layers;

/// <summary>
/// Layers already scanned, by digest: versions of a policy share the base and executor layers, so only the
/// policy layer is new. Valid for one rule set and one file-size limit — the factory that loads them owns it —
/// and bounded, dropping the oldest entries first.
/// </summary>
public sealed class LayerScans(int capacity = 64)
{
    private readonly ConcurrentDictionary<string, LayerScan> scans = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> order = new();

    public int Count => scans.Count;

    public LayerScan GetOrScan(string digest, Func<LayerScan> scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scans.TryGetValue(digest, out var known))
        {
            return known;
        }

        var fresh = scan();
        Keep(digest, fresh);
        return fresh;
    }

    /// <summary>The scan of the layer with this digest, when it is known: its blob need not be read at all.</summary>
    public LayerScan? Find(string digest) => scans.GetValueOrDefault(digest);

    /// <summary>Keeps the scan of the layer whose content has this digest (checked by the caller).</summary>
    public void Keep(string digest, LayerScan scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        if (scans.TryAdd(digest, scan))
        {
            order.Enqueue(digest);
            while (scans.Count > capacity && order.TryDequeue(out var oldest))
            {
                scans.TryRemove(oldest, out _);
            }
        }
    }
}
