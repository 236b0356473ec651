using Bpdp.Contracts;
using Bpdp.Platform.Security;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bpdp.Platform.Bus.Identity;

/// <summary>
/// A stage acts on a message only when the broker says it came from the identity that publishes that type
/// (<see cref="MessageRoutes"/>): the AMQP <c>user_id</c>, which RabbitMQ checks against the publisher's
/// connection, must be one of that identity's users (<see cref="SenderOptions"/>); a failure or refusal must
/// come from the stage it names. Anything else is refused (<see cref="RefusalReason.NotAuthorized"/>) and
/// acknowledged, never handed to the consumer. The ledger, which records every message, and queues of no
/// stage are not judged; nor is the in-memory bus of the embedded mode, which has no senders to tell apart.
/// </summary>
internal sealed class SenderCheck<T>(StageQueues queues, IOptions<SenderOptions> senders, ILogger<SenderCheck<T>> logger) : IFilter<ConsumeContext<T>>
    where T : class
{
    public Task Send(ConsumeContext<T> context, IPipe<ConsumeContext<T>> next)
    {
        if (!context.ReceiveContext.TryGetPayload(out RabbitMqBasicConsumeContext? rabbit)
            || queues.OwnerOf(context.ReceiveContext.InputAddress.AbsolutePath.Split('/')[^1]) is not { } stage
            || stage == BusIdentity.Ledger
            || MessageRoutes.PublishersOf(typeof(T)) is not { } publishers)
        {
            return next.Send(context);
        }

        var user = rabbit.Properties.UserId;
        var problem = Problem(user, publishers, context.Message);
        return problem is null ? next.Send(context) : Refuse(context, stage, problem);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("sender-check");

    private string? Problem(string? user, IReadOnlyList<BusIdentity> publishers, T message)
    {
        var options = senders.Value;
        var type = TypeName;
        if (string.IsNullOrEmpty(user))
        {
            return $"{type} carries no AMQP user_id: publishers must set it to the broker user they connect as (RabbitMQ checks it); accepted only from {Expected(options, publishers)}";
        }

        var identities = options.IdentitiesOf(user).Intersect(publishers).ToList();
        if (identities.Count == 0)
        {
            return $"{type} was sent by broker user '{user}'; it is accepted only from {Expected(options, publishers)}";
        }

        var named = message switch
        {
            DeploymentFailed failed => failed.Stage,
            MessageRefused refused => refused.Stage,
            _ => (PipelineStage?)null,
        };
        return named is { } stage && !identities.Contains(Enum.Parse<BusIdentity>(stage.ToString()))
            ? $"{type} names the {stage} but was sent by broker user '{user}', which is not the {stage}'s ({Expected(options, [Enum.Parse<BusIdentity>(stage.ToString())])})"
            : null;
    }

    private static string Expected(SenderOptions options, IReadOnlyList<BusIdentity> publishers) =>
        string.Join(", ", publishers.Select(p => $"the {p} ({string.Join(" or ", options.UsersOf(p).Order(StringComparer.Ordinal).Select(u => $"'{u}'"))})"));

    private Task Refuse(ConsumeContext<T> context, BusIdentity stage, string problem)
    {
        if (DeploymentOf(context.Message) is not { } deployment || !Enum.TryParse<PipelineStage>(stage.ToString(), out var pipelineStage))
        {
            logger.LogWarning("{Stage} refused {MessageType}: {Detail}", stage, TypeName, problem);
            return Task.CompletedTask;
        }

        var refusal = new MessageRefused(deployment, DateTimeOffset.UtcNow, pipelineStage, TypeName, RefusalReason.NotAuthorized, problem);
        return context.Refuse(logger, refusal, context.MessageId?.ToString("N"));
    }

    private static Guid? DeploymentOf(object message) => message switch
    {
        IPipelineMessage pipeline => pipeline.DeploymentId,
        Fault { } fault when fault.GetType().GetProperty(nameof(Fault<object>.Message))?.GetValue(fault) is IPipelineMessage failed => failed.DeploymentId,
        GetDeploymentStatus status => status.DeploymentId,
        GetServing serving => serving.DeploymentId,
        _ => null,
    };

    private static string TypeName { get; } = typeof(T).IsGenericType
        ? $"{typeof(T).Name[..typeof(T).Name.IndexOf('`', StringComparison.Ordinal)]}<{typeof(T).GetGenericArguments()[0].Name}>"
        : typeof(T).Name;
}
