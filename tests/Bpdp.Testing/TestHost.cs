using Bpdp.Platform.Hosting;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Bpdp.Testing;

/// <summary>Builds a BPDP service host the way a service's Program.cs does, with settings given in code.</summary>
public static class TestHost
{
    public static WebApplication Build(IDictionary<string, string?> settings, Action<IBusRegistrationConfigurator> addStages, MessageSink? sink = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:HttpAddress"] = "127.0.0.1",
            ["Service:HttpPort"] = "0",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(sink ?? new MessageSink());
        configureServices?.Invoke(builder.Services);
        builder.AddBpdpService("test", addStages);
        var app = builder.Build();
        app.MapBpdpEndpoints();
        return app;
    }

    /// <summary>The base URL the started host listens on.</summary>
    public static Uri BaseAddress(this WebApplication app) => new(app.Urls.First());
}
