using System.Text.Json;
using Bpdp.Contracts;
using Bpdp.Platform.Bus.Identity;
using Bpdp.Platform.Bus.PlainJson;
using Bpdp.Platform.Metrics;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bpdp.Platform.Bus;

/// <summary>Builds a service's MassTransit bus from configuration, with the stages it hosts.</summary>
public static class BusRegistration
{
    /// <summary>
    /// Registers the bus: RabbitMQ or in-memory per <c>Bus:Transport</c>, kebab-case endpoint names,
    /// exponential retry that skips messages which can never succeed, and both wire formats on every
    /// endpoint (MassTransit envelopes and plain <c>application/json</c> bodies from outside publishers).
    /// </summary>
    /// <param name="builder">The host being built.</param>
    /// <param name="addStages">Adds the stages' consumers, e.g. <c>bus =&gt; bus.AddBuilderStage()</c>.</param>
    public static IHostApplicationBuilder AddBpdpBus(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator> addStages)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(addStages);
        var services = builder.Services;
        services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RabbitMqOptions>().BindConfiguration(RabbitMqOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RabbitMqOptions>, RabbitMqOptionsValidator>();
        services.AddBusSenders();
        // A started service has its queues bound: nothing published after start-up is lost to a missing binding.
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<BusOptions>>((host, bus) =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(bus.Value.StartTimeoutSeconds);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });

        services.AddMassTransit(bus =>
        {
            // Air-gapped by design: nothing is reported to MassTransit's usage telemetry service.
            bus.DisableUsageTelemetry();
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddConsumeObserver<ConsumeMetricsObserver>();
            bus.AddReceiveObserver<ReceiveMetricsObserver>();
            bus.AddConfigureEndpointsCallback((context, _, endpoint) => ConfigureEndpoint(context, endpoint));
            addStages(bus);

            // The transport decides which registration runs, so it is read before the container exists.
            var transport = builder.Configuration.GetSection(BusOptions.Section).Get<BusOptions>()?.Transport ?? TransportKind.RabbitMq;
            switch (transport)
            {
                case TransportKind.InMemory:
                    bus.UsingInMemory((context, cfg) => ConfigureBus(context, cfg));
                    break;
                default:
                    bus.UsingRabbitMq((context, cfg) =>
                    {
                        var rabbit = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                        cfg.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, host =>
                        {
                            host.Username(rabbit.Username!);
                            host.Password(rabbit.ResolvePassword());
                            BrokerTls.Configure(host, rabbit);
                        });
                        cfg.PrefetchCount = context.GetRequiredService<IOptions<BusOptions>>().Value.PrefetchCount;
                        var stamp = new SenderStamp(rabbit.Username!);
                        cfg.ConfigureSend(send => send.UseFilter(stamp));
                        cfg.ConfigurePublish(publish => publish.UseFilter(stamp));
                        cfg.UseConsumeFilter(typeof(SenderCheck<>), context);
                        ConfigureBus(context, cfg);
                    });
                    break;
            }
        });
        return builder;
    }

    /// <summary>
    /// Puts a consumer on its stage's queue, <see cref="IStageOptions.Queue"/>: every consumer of a stage shares
    /// one queue named after the stage (<c>builder</c>, <c>scanner</c>, …), so N replicas of a stage are N
    /// competing consumers.
    /// </summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddStageConsumer<TConsumer, TOptions>(this IBusRegistrationConfigurator bus)
        where TConsumer : class, IConsumer
        where TOptions : class, IStageOptions
    {
        ArgumentNullException.ThrowIfNull(bus);
        return bus.AddConsumer<TConsumer, StageConsumerDefinition<TConsumer, TOptions>>();
    }

    /// <summary>Puts a consumer on a queue named here: for probes and helpers that belong to no stage.</summary>
    public static IConsumerRegistrationConfigurator<TConsumer> AddStageConsumer<TConsumer>(this IBusRegistrationConfigurator bus, string queue)
        where TConsumer : class, IConsumer
    {
        ArgumentNullException.ThrowIfNull(bus);
        var registration = bus.AddConsumer<TConsumer>();
        registration.Endpoint(endpoint => endpoint.Name = queue);
        return registration;
    }

    private static void ConfigureBus<TEndpoint>(IBusRegistrationContext context, IBusFactoryConfigurator<TEndpoint> cfg)
        where TEndpoint : IReceiveEndpointConfigurator
    {
        cfg.ConfigureJsonSerializerOptions(ContractJson.Apply);
        cfg.AddDeserializer(new PlainJsonSerializerFactory(), isDefault: false);
        cfg.UseConsumeFilter(typeof(PipelineMessageValidationFilter<>), context);
        cfg.ConfigureEndpoints(context);
    }

    private static void ConfigureEndpoint(IRegistrationContext context, IReceiveEndpointConfigurator endpoint)
    {
        var options = context.GetRequiredService<IOptions<BusOptions>>().Value;
        if (options.Transport == TransportKind.RabbitMq)
        {
            UnstampedMove.Configure(endpoint);
        }

        endpoint.UseMessageRetry(retry =>
        {
            retry.Exponential(
                options.RetryLimit,
                TimeSpan.FromMilliseconds(options.RetryMinIntervalMs),
                TimeSpan.FromMilliseconds(options.RetryMaxIntervalMs),
                TimeSpan.FromMilliseconds(options.RetryMinIntervalMs));
            // Retrying cannot fix a message that is malformed as sent.
            retry.Ignore<InvalidMessageException>();
            retry.Ignore<JsonException>();
            retry.Ignore<System.Runtime.Serialization.SerializationException>();
        });
    }
}
