using Prometheus;

namespace Bpdp.Scanner;

/// <summary>The Scanner's own metrics.</summary>
public static class ScannerMetrics
{
    /// <summary>Layers of scanned images by where their scan came from: <c>pulled</c> (read and scanned) or <c>cached</c> (scanned before; not read).</summary>
    public static readonly Counter Layers = Metrics.CreateCounter(
        "bpdp_scanner_layers_total", "Layers of scanned images: pulled and scanned, or known by digest from an earlier scan and not read.", "source");
}
