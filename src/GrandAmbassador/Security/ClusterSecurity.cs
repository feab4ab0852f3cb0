using GrandAmbassador.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace GrandAmbassador.Security;

/// <summary>
/// Mutual TLS for the cluster, the same for silos and clients: each side presents its certificate and
/// accepts the other only if its chain ends at the cluster CA. A refused peer is logged once per address and kind of refusal.
/// </summary>
internal static class ClusterSecurity
{
    public static void ConfigureSilo(ISiloBuilder silo, ClusterTls tls)
    {
        AddRefusalLog(silo.Services);
        // Registered before UseTls, so that the watch wraps the TLS middleware and sees its outcome.
        silo.Services.AddOptions<SiloConnectionOptions>().Configure<RefusedPeers>((options, refused) =>
        {
            options.ConfigureSiloInboundConnection(connection => Watch(connection, refused, "inbound silo"));
            options.ConfigureGatewayInboundConnection(connection => Watch(connection, refused, "inbound client"));
            options.ConfigureSiloOutboundConnection(connection => Watch(connection, refused, "outbound silo"));
        });
        silo.UseTls(tls.Certificate, options => Apply(options, tls));
    }

    public static void ConfigureClient(IClientBuilder client, ClusterTls tls)
    {
        AddRefusalLog(client.Services);
        client.Services.AddOptions<ClientConnectionOptions>().Configure<RefusedPeers>((options, refused) =>
            options.ConfigureConnection(connection => Watch(connection, refused, "outbound client")));
        client.UseTls(tls.Certificate, options => Apply(options, tls));
    }

    private static void Apply(TlsOptions options, ClusterTls tls)
    {
        options.LocalCertificate = tls.Certificate;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // With this callback set, Orleans skips its own policy check: the callback is the whole check.
        options.RemoteCertificateValidation = (certificate, chain, _) =>
        {
            var problem = CaChainValidator.Check(certificate, chain, tls.Authorities);
            if (problem is not null && HandshakeVerdict.Current is { } verdict)
            {
                verdict.Refusal = $"its certificate {certificate.Subject} is {problem}";
            }

            return problem is null;
        };
        options.OnAuthenticateAsClient = (_, client) => client.TargetHost = ClusterTls.TargetHost;
    }

    private static void AddRefusalLog(IServiceCollection services)
    {
        services.AddSingleton(provider => new RefusedPeers(
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("GrandAmbassador.Security.ClusterTls"),
            provider.GetService<TimeProvider>() ?? TimeProvider.System));
        // Orleans warns once per failed handshake, without the peer's address; ours says it once per address and kind of refusal.
        services.AddLogging(logging => logging.AddFilter("Orleans.Connections.Security", LogLevel.Error));
    }

    private static void Watch(IConnectionBuilder connection, RefusedPeers refused, string direction) =>
        connection.Use(next => context => WatchAsync(context, next, refused, direction));

    private static async Task WatchAsync(ConnectionContext context, ConnectionDelegate next, RefusedPeers refused, string direction)
    {
        var verdict = new HandshakeVerdict();
        HandshakeVerdict.Current = verdict;
        await next(context).ConfigureAwait(false);
        // The TLS middleware sets the peer's certificate only after a handshake that passed.
        if (context.Features.Get<ITlsConnectionFeature>() is { RemoteCertificate: null })
        {
            refused.Refused(
                context.RemoteEndPoint,
                direction,
                verdict.Refusal ?? (direction.StartsWith("inbound", StringComparison.Ordinal)
                    ? "no certificate from the cluster CA (a peer without TLS, or without a certificate)"
                    : "the handshake failed (the peer refused this host's certificate, or speaks no TLS)"),
                verdict.Refusal is null ? RefusalKind.Handshake : RefusalKind.Certificate);
        }
    }
}
