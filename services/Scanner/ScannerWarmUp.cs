namespace Bpdp.Scanner;

/// <summary>
/// Loads the secret rules, the advisories and the ignore file when the Scanner starts, rather than at the first scan.
/// A failure here is only logged: the first scan meets it again and fails that deployment with the reason.
/// </summary>
internal sealed class ScannerWarmUp(IServiceProvider services, ILogger<ScannerWarmUp> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            services.GetRequiredService<ImageScannerFactory>();
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("The scanner could not be prepared at start: {Error}; the first scan tries again", error.Message);
        }
    }
}
