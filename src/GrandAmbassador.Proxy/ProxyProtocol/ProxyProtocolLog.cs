using System.Net;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.ProxyProtocol;

/// <summary>Log messages of the PROXY protocol, both ways; event ids 600-699 are stable.</summary>
internal static partial class ProxyProtocolLog
{
    // A warning: a client that should come through a balancer and does not is a misconfiguration or a probe.
    // At most one line a second per port (ProxyHeaderRefusals), saying how many went unlogged; the counter has each.
    [LoggerMessage(EventId = 601, EventName = "ProxyHeaderRefused", Level = LogLevel.Warning,
        Message = "Port {Port}: closed a connection from {Peer} without forwarding it: its PROXY protocol header was {Outcome} (--accept-proxy). {Unlogged} more such connection(s) since the last such line.")]
    public static partial void HeaderRefused(ILogger logger, ListenPort port, EndPoint? peer, string outcome, int unlogged);

    [LoggerMessage(EventId = 602, EventName = "ClientFromHeader", Level = LogLevel.Debug,
        Message = "Port {Port}: client {Client} (from the PROXY protocol header sent by {Peer}).")]
    public static partial void ClientFromHeader(ILogger logger, ListenPort port, EndPoint? client, EndPoint? peer);

    [LoggerMessage(EventId = 603, EventName = "HeaderSendFailed", Level = LogLevel.Debug,
        Message = "Port {Port}: sending the PROXY protocol header to backend {BackendId} failed; connection reset.")]
    public static partial void HeaderSendFailed(ILogger logger, ListenPort port, string backendId);
}
