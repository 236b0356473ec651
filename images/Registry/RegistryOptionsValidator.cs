using Microsoft.Extensions.Options;

namespace Bpdp.Images.Registry;

/// <summary>
/// <c>Registry</c> is checked when a stage starts, and only when <c>Images:Store</c> is <c>Registry</c>:
/// a layout-store stage needs no registry, and a registry stage must not find out at its first message
/// that its address or password file is wrong.
/// </summary>
public sealed class RegistryOptionsValidator(IOptions<ImageStoreOptions> store) : IValidateOptions<RegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (store.Value.Store != ImageStoreKind.Registry)
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = new List<string>();
        if (options.Url is null)
        {
            errors.Add("Registry:Url is required when Images:Store is Registry (e.g. http://127.0.0.1:5000).");
        }
        else if (!options.Url.IsAbsoluteUri || options.Url.Scheme is not ("http" or "https"))
        {
            errors.Add($"Registry:Url '{options.Url}' must be an absolute http:// or https:// address.");
        }

        if (options.Password is not null && options.PasswordFile is not null)
        {
            errors.Add("Set one of Registry:Password and Registry:PasswordFile, not both.");
        }

        if (options.PasswordFile is { } file && !File.Exists(file))
        {
            errors.Add($"Registry:PasswordFile names '{file}', which does not exist.");
        }

        if (options.Password is not null || options.PasswordFile is not null)
        {
            if (string.IsNullOrEmpty(options.Username))
            {
                errors.Add("Registry:Username is required with a registry password.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
