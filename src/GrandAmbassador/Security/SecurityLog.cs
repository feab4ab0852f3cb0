using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Security;

internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning,
        Message = "Refused {Direction} TLS connection with {Peer}: {Reason} (the next refusal of this kind from this address is logged after {Minutes} min)")]
    public static partial void PeerRefused(ILogger logger, string peer, string direction, string reason, int minutes);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning,
        Message = "Cluster without TLS: anyone who reaches silo port {SiloPort} or gateway port {GatewayPort} can change routing. Use --tls-cert, --tls-key and --tls-ca (see README, Security)")]
    public static partial void ClusterWithoutTls(ILogger logger, int siloPort, int gatewayPort);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Information,
        Message = "Cluster TLS: this host is {Subject} (expires {NotAfter:yyyy-MM-dd}); peers must chain to {Authority}")]
    public static partial void TlsOn(ILogger logger, string subject, DateTime notAfter, string authority);
}
