using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Configuration;

/// <summary>
/// One explicit <c>--port</c>: listen on <see cref="ListenPort"/> and forward to the target's
/// <see cref="TargetPort"/>. <see cref="ServiceName"/> is null when only one name is fronted.
/// </summary>
internal sealed record PortMapping(string? ServiceName, int ListenPort, int TargetPort, PortProtocol Protocol)
{
    /// <summary>The proxy's port this mapping listens on.</summary>
    public ListenPort Listen => new(ListenPort, Protocol.ToTransport());

    public override string ToString() =>
        $"{(ServiceName is null ? "" : ServiceName + "=")}{ListenPort}:{TargetPort}/{Protocol.ToString().ToLowerInvariant()}";
}
