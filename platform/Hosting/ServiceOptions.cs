using System.ComponentModel.DataAnnotations;

namespace Bpdp.Platform.Hosting;

/// <summary>Configuration section <c>Service</c>: where a service serves <c>/metrics</c> and <c>/healthz</c>, and how it logs.</summary>
public sealed class ServiceOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string Section = "Service";

    /// <summary>The service's name in logs, set by the host (<c>builder</c>, <c>ledger</c>, or <c>bpdp</c> for the all-in-one host).</summary>
    public string Name { get; set; } = "bpdp";

    /// <summary><c>Service:HttpAddress</c>: the address to listen on; <c>0.0.0.0</c> in containers, <c>127.0.0.1</c> on a shared host.</summary>
    public string HttpAddress { get; set; } = "0.0.0.0";

    /// <summary><c>Service:HttpPort</c>: the port of <c>/metrics</c> and <c>/healthz</c>; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 8080;

    /// <summary><c>Service:LogFormat</c>: <c>text</c> (one line per entry, default) or <c>json</c> (one JSON object per entry, for log shippers).</summary>
    [RegularExpression("^(text|json)$", ErrorMessage = "Service:LogFormat must be 'text' or 'json'.")]
    public string LogFormat { get; set; } = "text";
}
