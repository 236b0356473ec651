using MassTransit;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// Puts the broker user this process connects as into every message's AMQP <c>user_id</c>, which RabbitMQ
/// refuses unless it is the connection's own user: a consumer can then trust it as the sender.
/// </summary>
internal sealed class SenderStamp(string user) : IFilter<SendContext>, IFilter<PublishContext>
{
    public Task Send(SendContext context, IPipe<SendContext> next)
    {
        Stamp(context);
        return next.Send(context);
    }

    public Task Send(PublishContext context, IPipe<PublishContext> next)
    {
        Stamp(context);
        return next.Send(context);
    }

    private void Stamp(SendContext context)
    {
        if (context.TryGetPayload(out RabbitMqSendContext? rabbit))
        {
            rabbit.BasicProperties.UserId = user;
        }
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("sender-stamp");
}
