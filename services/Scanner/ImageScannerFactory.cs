using Bpdp.Images;
using Bpdp.Scanner.Gate;
using Bpdp.Scanner.Layers;
using Bpdp.Scanner.Secrets;
using Bpdp.Scanner.Vulnerabilities;
using Microsoft.Extensions.Options;

namespace Bpdp.Scanner;

/// <summary>
/// Loads the rules and the OSV database once and makes a scanner per scan, so the gate judges ignore
/// entries against today's date and an edited ignore file takes effect on the next scan.
/// </summary>
public sealed class ImageScannerFactory
{
    private readonly ScannerOptions options;
    private readonly TimeProvider time;
    private readonly SecretRuleSet rules;
    private readonly OsvDatabase vulnerabilities;
    private readonly LayerScans layers = new();
    private readonly ImageLimits limits;

    public ImageScannerFactory(IOptions<ScannerOptions> options, IImageStore store, TimeProvider time, ILogger<ImageScannerFactory> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        limits = store.Limits;
        this.options = options.Value;
        this.time = time;
        rules = SecretRuleSet.Load(this.options.SecretRules.Files, this.options.SecretRules.Disabled);
        vulnerabilities = this.options.OsvDatabase is { } path ? OsvDatabase.Load(path) : OsvDatabase.Empty;
        IgnoreFile.Load(this.options.IgnoreFile);
        logger.LogInformation("Scanner: {Rules} secret rules; {Advisories}", rules.Rules.Count,
            this.options.OsvDatabase is null ? "no OSV database (Scanner:OsvDatabase): vulnerabilities are not matched" : $"{vulnerabilities.Count} OSV advisories from {this.options.OsvDatabase}");
    }

    public ImageScanner Create() => new(rules, vulnerabilities,
        new ScanGate(options.BlockSecretsAt, options.BlockVulnerabilitiesAt, IgnoreFile.Load(options.IgnoreFile), DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)),
        options.MaxFileBytes, layers, limits);
}
