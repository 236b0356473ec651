using Microsoft.Extensions.Options;

namespace Bpdp.Platform.Bus;

/// <summary>
/// Fails start-up with the exact configuration key that is missing, and how to set it, when the bus
/// is RabbitMQ. Validation runs at start, so a misconfigured service never half-starts.
/// </summary>
internal sealed class RabbitMqOptionsValidator(IOptions<BusOptions> bus) : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        if (bus.Value.Transport != TransportKind.RabbitMq)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add(Missing("Host", "the RabbitMQ host name, e.g. localhost"));
        }

        if (string.IsNullOrWhiteSpace(options.Username))
        {
            errors.Add(Missing("Username", "the RabbitMQ user name"));
        }

        if (options.Password is null && options.PasswordFile is null)
        {
            errors.Add(Missing("Password", "the RabbitMQ password (or RabbitMq:PasswordFile, a file holding it)"));
        }
        else if (options.Password is null && !File.Exists(options.PasswordFile))
        {
            errors.Add($"RabbitMq:PasswordFile names '{options.PasswordFile}', which does not exist.");
        }

        if (options.Port == 5671 && !options.UseTls)
        {
            errors.Add("RabbitMq:Port is 5671, the AMQPS port, but RabbitMq:UseTls is not set: set RabbitMq:UseTls=true, so that the broker's certificate is checked.");
        }

        if (options.CaCertificateFile is { } ca && !options.UseTls)
        {
            errors.Add("RabbitMq:CaCertificateFile is set but RabbitMq:UseTls is not: set RabbitMq:UseTls=true to connect with AMQPS.");
        }
        else if (options.CaCertificateFile is { } caFile && !File.Exists(caFile))
        {
            errors.Add($"RabbitMq:CaCertificateFile names '{caFile}', which does not exist.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string Missing(string key, string what) =>
        $"Missing configuration key 'RabbitMq:{key}' ({what}); set it in appsettings.json or the environment variable RabbitMq__{key}.";
}
