using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MassTransit;

namespace Bpdp.Platform.Bus;

/// <summary>AMQPS to the broker: TLS 1.2 or 1.3, the broker's certificate checked against the system's store or one private CA.</summary>
internal static class BrokerTls
{
    public static void Configure(IRabbitMqHostConfigurator host, RabbitMqOptions options)
    {
        if (!options.UseTls)
        {
            return;
        }

        var authority = options.CaCertificateFile is { } file ? X509Certificate2.CreateFromPem(File.ReadAllText(file)) : null;
        host.UseSsl(ssl =>
        {
            ssl.Protocol = SslProtocols.Tls12 | SslProtocols.Tls13;
            ssl.ServerName = options.Host;
            // MassTransit accepts chain errors by default, so a self-signed certificate naming the host would pass: decide here.
            ssl.EnforcePolicyErrors(SslPolicyErrors.RemoteCertificateChainErrors | SslPolicyErrors.RemoteCertificateNameMismatch);
            ssl.CertificateValidationCallback = authority is null
                ? (_, _, _, errors) => errors == SslPolicyErrors.None
                : (_, certificate, _, errors) => SignedBy(authority, certificate, errors);
        });
    }

    /// <summary>The certificate names the host and chains to <paramref name="authority"/> alone.</summary>
    private static bool SignedBy(X509Certificate2 authority, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
