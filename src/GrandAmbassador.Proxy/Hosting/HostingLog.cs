using System.Net.Sockets;
using GrandAmbassador.Proxy.Routing;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Proxy.Hosting;

/// <summary>Log messages of <see cref="ServiceProxy"/>; event ids 100-199 are stable.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 101, EventName = "Applied", Level = LogLevel.Debug,
        Message = "Service {ServiceName}: routes applied; {Listening} port(s) listening, {Failed} failed to bind.")]
    public static partial void Applied(ILogger logger, string serviceName, int listening, int failed);

    // Debug: the failure is returned to the caller, which decides whether it is fatal and logs it.
    [LoggerMessage(EventId = 102, EventName = "ListenFailed", Level = LogLevel.Debug,
        Message = "Service {ServiceName}: port {Port} could not be bound ({Error}).")]
    public static partial void ListenFailed(ILogger logger, string serviceName, ListenPort port, SocketError error);
}
