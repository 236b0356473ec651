using System.Text;
using Bpdp.Notifier.Sinks;

namespace Bpdp.UnitTests.Notifier;

public sealed class WebhookSignatureTests
{
    // The example GitHub documents for validating webhook deliveries: the same scheme, so the same receivers' code works.
    [Fact]
    public void The_signature_is_githubs_sha256_hmac_of_the_body()
    {
        var signature = WebhookSignature.Of(Encoding.UTF8.GetBytes("Hello, World!"), Encoding.UTF8.GetBytes("It's a Secret to Everybody"));

        Assert.Equal("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", signature);
    }

    [Fact]
    public void Verification_refuses_another_body_another_secret_or_no_header()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}");
        var secret = Encoding.UTF8.GetBytes("s3cret");
        var header = WebhookSignature.Of(body, secret);

        Assert.True(WebhookSignature.Verify(body, secret, header));
        Assert.False(WebhookSignature.Verify(Encoding.UTF8.GetBytes("{\"a\":2}"), secret, header));
        Assert.False(WebhookSignature.Verify(body, Encoding.UTF8.GetBytes("other"), header));
        Assert.False(WebhookSignature.Verify(body, secret, null));
    }
}
