namespace Bpdp.IntegrationTests.Servers;

/// <summary>A running Prometheus and the folder of file_sd target files it watches.</summary>
public sealed record PrometheusServer(Uri BaseAddress, string TargetsFolder);
