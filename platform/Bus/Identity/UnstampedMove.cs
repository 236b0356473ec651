using MassTransit;
using MassTransit.Context;
using MassTransit.Middleware;
using MassTransit.Middleware.Rescue;
using RabbitMQ.Client;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// MassTransit moves a message to an error or skipped queue with its properties copied, <c>user_id</c>
/// included, and RabbitMQ refuses a <c>user_id</c> that is not the mover's own user. These filters hand the
/// move a view of the message without it; the original sender stays in the moved copy's <c>BPDP-Sender</c> header.
/// </summary>
internal static class UnstampedMove
{
    /// <summary>The header of a moved copy that names the broker user who sent the original.</summary>
    public const string SenderHeader = "BPDP-Sender";

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        endpoint.ConfigureError(error =>
        {
            error.UseFilter(new ErrorFilter());
            error.UseFilter(new GenerateFaultFilter());
            error.UseFilter(new ErrorTransportFilter());
        });
        endpoint.ConfigureDeadLetter(deadLetter =>
        {
            deadLetter.UseFilter(new DeadLetterFilter());
            deadLetter.UseFilter(new DeadLetterTransportFilter());
        });
    }

    private static bool TryUnstamped<T>(PayloadLookup<T> inner, out T payload)
        where T : class
    {
        if (!inner(out payload))
        {
            return false;
        }

        if (payload is RabbitMqBasicConsumeContext rabbit && typeof(T) == typeof(RabbitMqBasicConsumeContext))
        {
            payload = (T)(object)new Unstamped(rabbit);
        }

        return true;
    }

    private sealed class ErrorFilter : IFilter<ExceptionReceiveContext>
    {
        public Task Send(ExceptionReceiveContext context, IPipe<ExceptionReceiveContext> next) =>
            next.Send(new UnstampedExceptionContext(context));

        public void Probe(ProbeContext context) => context.CreateFilterScope("unstamped-error-move");
    }

    private sealed class DeadLetterFilter : IFilter<ReceiveContext>
    {
        public Task Send(ReceiveContext context, IPipe<ReceiveContext> next) => next.Send(new UnstampedReceiveContext(context));

        public void Probe(ProbeContext context) => context.CreateFilterScope("unstamped-dead-letter-move");
    }

    private sealed class UnstampedExceptionContext(ExceptionReceiveContext inner) : RescueExceptionReceiveContext(inner, inner.Exception)
    {
        public override bool TryGetPayload<TPayload>(out TPayload payload) where TPayload : class =>
            TryUnstamped(base.TryGetPayload, out payload);
    }

    private sealed class UnstampedReceiveContext(ReceiveContext inner) : ReceiveContextProxy(inner)
    {
        public override bool TryGetPayload<TPayload>(out TPayload payload) where TPayload : class =>
            TryUnstamped(base.TryGetPayload, out payload);
    }

    private delegate bool PayloadLookup<TPayload>(out TPayload payload);

    private sealed class Unstamped(RabbitMqBasicConsumeContext inner) : RabbitMqBasicConsumeContext
    {
        public string Exchange => inner.Exchange;

        public string ConsumerTag => inner.ConsumerTag;

        public ulong DeliveryTag => inner.DeliveryTag;

        public string? RoutingKey => inner.RoutingKey;

        public IReadOnlyBasicProperties Properties { get; } = Without(inner.Properties);

        private static BasicProperties Without(IReadOnlyBasicProperties original)
        {
            var properties = new BasicProperties(original) { UserId = null };
            if (original.UserId is { } sender)
            {
                properties.Headers = new Dictionary<string, object?>(original.Headers ?? new Dictionary<string, object?>(), StringComparer.OrdinalIgnoreCase) { [SenderHeader] = sender };
            }

            return properties;
        }
    }
}
