using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// Creates, through RabbitMQ's management API, one broker user per identity with <see cref="BrokerPermissions"/>
/// in one virtual host, and keeps each password in a file of its own (mode 600). Running it again keeps the
/// passwords it wrote and sets the permissions again, so it also repairs permissions someone widened.
/// </summary>
public sealed class BrokerUsers(HttpClient management, string virtualHost)
{
    /// <summary>An HTTP client for the management API at <paramref name="managementUrl"/>, as <paramref name="adminUser"/>.</summary>
    public static HttpClient Client(Uri managementUrl, string adminUser, string adminPassword) => new()
    {
        BaseAddress = managementUrl,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{adminUser}:{adminPassword}"))) },
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Creates or updates <paramref name="user"/> with <paramref name="permissions"/>; returns the path of its password file.</summary>
    public async Task<string> Ensure(string user, BrokerPermissions permissions, DirectoryInfo passwords, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(passwords);
        var file = Path.Combine(passwords.FullName, $"{user}.password");
        var password = File.Exists(file) ? (await File.ReadAllTextAsync(file, cancel)).Trim() : await WriteNewPassword(passwords, file, cancel);
        await Put($"api/users/{Uri.EscapeDataString(user)}", new { password, tags = "" }, cancel);
        await Put($"api/permissions/{Uri.EscapeDataString(virtualHost)}/{Uri.EscapeDataString(user)}",
            new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read }, cancel);
        return file;
    }

    private async Task Put(string path, object body, CancellationToken cancel)
    {
        using var response = await management.PutAsJsonAsync(path, body, cancel);
        if (!response.IsSuccessStatusCode)
        {
            var detail = await response.Content.ReadAsStringAsync(cancel);
            throw new HttpRequestException($"RabbitMQ management API PUT /{path.Split('/')[1]}/… answered {(int)response.StatusCode}: {detail[..Math.Min(detail.Length, 300)]}");
        }
    }

    private static async Task<string> WriteNewPassword(DirectoryInfo folder, string file, CancellationToken cancel)
    {
        folder.Create();
        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(file, options);
        await stream.WriteAsync(Encoding.UTF8.GetBytes(password), cancel);
        return password;
    }
}
