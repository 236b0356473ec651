using System.Security.Cryptography;
using Bpdp.Contracts;
using Bpdp.WebConsole;
using Bpdp.WebConsole.Actions;
using Bpdp.WebConsole.Auth;
using Bpdp.WebConsole.Board;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Bpdp.UnitTests.Console;

public sealed class OperatorCommandsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("bpdp-console-").FullName;
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly DeploymentBoard board = new();
    private readonly Guid running = Guid.NewGuid();
    private readonly Guid ended = Guid.NewGuid();
    private readonly Published bus = new();

    public OperatorCommandsTests()
    {
        File.WriteAllText(Path.Combine(folder, "console.key.pem"), key.ExportECPrivateKeyPem());
        var target = new DeploymentTarget("osha", "production", "haz-fast", "1.1.0");
        board.Add(Guid.NewGuid(), new DeployGreen(running, DateTimeOffset.UtcNow, target, new ImageReference("r/haz-fast", "sha256:" + new string('a', 64))));
        board.Add(Guid.NewGuid(), new DeploymentCompleted(ended, DateTimeOffset.UtcNow, target, new ImageReference("r/haz-fast", "sha256:" + new string('a', 64)), Color.Blue));
    }

    public void Dispose()
    {
        key.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task An_operator_of_the_agency_sends_an_abort_signed_with_the_console_key_naming_the_operator()
    {
        var outcome = await Commands().Abort(ConsoleClaims.Principal("jane", ConsoleRole.Operator, ["osha"], "test"), running, "wrong rulebook", default);

        Assert.Equal(202, outcome.Status);
        var abort = Assert.IsType<AbortDeployment>(Assert.Single(bus.Messages));
        Assert.Equal((running, "jane", "wrong rulebook", "console"), (abort.DeploymentId, abort.RequestedBy, abort.Reason, abort.OperatorKeyId));
        Assert.True(key.VerifyData(OperatorCommandCanonicalForm.ToBytes(abort), Convert.FromBase64String(abort.Signature!), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [InlineData(ConsoleRole.Viewer, "osha", 403, "jane may not promote deployments of osha: a viewer only reads")]
    [InlineData(ConsoleRole.Operator, "epa", 403, "jane may not promote deployments of osha: not an operator of that agency")]
    public async Task Anyone_else_is_refused_and_nothing_is_sent(ConsoleRole role, string agency, int status, string message)
    {
        var outcome = await Commands().Promote(ConsoleClaims.Principal("jane", role, [agency], "test"), running, default);

        Assert.Equal((status, message), (outcome.Status, outcome.Message));
        Assert.Empty(bus.Messages);
    }

    [Fact]
    public async Task An_ended_deployment_an_unknown_one_a_missing_reason_and_a_console_without_key_are_refused()
    {
        var jane = ConsoleClaims.Principal("jane", ConsoleRole.Operator, ["*"], "test");

        Assert.Equal(409, (await Commands().Promote(jane, ended, default)).Status);
        Assert.Equal(404, (await Commands().Promote(jane, Guid.NewGuid(), default)).Status);
        Assert.Equal(400, (await Commands().Abort(jane, running, " ", default)).Status);
        Assert.Equal(503, (await Commands(withKey: false).Promote(jane, running, default)).Status);
        Assert.Empty(bus.Messages);
    }

    [Fact]
    public async Task A_deployment_known_only_from_the_ledgers_replay_is_not_evidence_of_its_agency()
    {
        var replayed = Guid.NewGuid();
        board.Add(Guid.NewGuid(), new DeployGreen(replayed, DateTimeOffset.UtcNow, new DeploymentTarget("osha", "production", "haz-fast", "1.2.0"),
            new ImageReference("r/haz-fast", "sha256:" + new string('d', 64))), verified: false);

        var outcome = await Commands().Promote(ConsoleClaims.Principal("jane", ConsoleRole.Operator, ["osha"], "test"), replayed, default);

        Assert.Equal(403, outcome.Status);
        Assert.StartsWith($"the agency of deployment {replayed} is known only from the ledger's replay", outcome.Message, StringComparison.Ordinal);
        Assert.Empty(bus.Messages);
    }

    private OperatorCommands Commands(bool withKey = true) => new(Options.Create(new ConsoleOptions
    {
        OperatorKeyFile = withKey ? Path.Combine(folder, "console.key.pem") : null,
        OperatorKeyId = withKey ? "console" : null,
    }), board, bus, TimeProvider.System, NullLogger<OperatorCommands>.Instance);

    private sealed class Published : IPublishEndpoint
    {
        public List<object> Messages { get; } = [];

        public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => throw new NotSupportedException();

        public Task Publish<T>(T message, CancellationToken cancellationToken = default) where T : class
        {
            Messages.Add(message);
            return Task.CompletedTask;
        }

        public Task Publish<T>(T message, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class => Publish(message, cancellationToken);

        public Task Publish<T>(T message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class => Publish(message, cancellationToken);

        public Task Publish(object message, CancellationToken cancellationToken = default) => Publish<object>(message, cancellationToken);

        public Task Publish(object message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => Publish(message, cancellationToken);

        public Task Publish(object message, Type messageType, CancellationToken cancellationToken = default) => Publish(message, cancellationToken);

        public Task Publish(object message, Type messageType, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) => Publish(message, cancellationToken);

        public Task Publish<T>(object values, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();

        public Task Publish<T>(object values, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();

        public Task Publish<T>(object values, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class => throw new NotSupportedException();
    }
}
