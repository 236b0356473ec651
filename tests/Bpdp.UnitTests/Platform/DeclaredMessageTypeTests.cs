using Bpdp.Platform.Bus.PlainJson;

namespace Bpdp.UnitTests.Platform;

public sealed class DeclaredMessageTypeTests
{
    private const string Approved = "urn:message:Bpdp.Contracts:ArtifactApproved";
    private const string Feed = "urn:message:Bpdp.Contracts:IPipelineMessage";

    [Fact]
    public void The_contract_exchange_names_the_type_and_its_contract_interfaces()
    {
        Assert.Equal([Approved, Feed], DeclaredMessageType.Urns("Bpdp.Contracts:ArtifactApproved", amqpType: null));
    }

    [Fact]
    public void The_exchange_outranks_the_amqp_type_property()
    {
        Assert.Equal([Approved, Feed], DeclaredMessageType.Urns("Bpdp.Contracts:ArtifactApproved", "ImagePublished"));
    }

    [Theory]
    [InlineData("ArtifactApproved")]
    [InlineData("Bpdp.Contracts:ArtifactApproved")]
    [InlineData(Approved)]
    public void A_body_sent_to_a_queue_is_typed_by_its_amqp_type_property(string amqpType)
    {
        Assert.Equal([Approved, Feed], DeclaredMessageType.Urns("coordinator", amqpType));
    }

    [Fact]
    public void A_name_that_is_no_contract_is_declared_as_itself_so_no_consumer_reads_it()
    {
        Assert.Equal(["urn:message:Bpdp.Contracts:Nonsense"], DeclaredMessageType.Urns("Bpdp.Contracts:Nonsense", null));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", "")]
    [InlineData("coordinator", null)]
    [InlineData("coordinator", "not a name")]
    [InlineData("Bpdp.Contracts:", null)]
    public void Nothing_declared_leaves_the_body_to_every_consumer(string? exchange, string? amqpType)
    {
        Assert.Empty(DeclaredMessageType.Urns(exchange, amqpType));
    }
}
