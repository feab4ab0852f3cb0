using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Configuration;

/// <summary>
/// One explicit <c>--port</c>: listen on <see cref="Port"/> and forward to the target's
/// <see cref="TargetPort"/>. <see cref="Name"/> (the fronted name it belongs to) is null when only one name is fronted.
/// </summary>
internal sealed record PortMapping(string? Name, int Port, int TargetPort, PortProtocol Protocol)
{
    /// <summary>The proxy's port this mapping listens on: <see cref="Port"/> with its transport.</summary>
    public ListenPort Listen => new(Port, Protocol.ToTransport());

    public override string ToString() =>
        $"{(Name is null ? "" : Name + "=")}{Port}:{TargetPort}/{Protocol.ToString().ToLowerInvariant()}";
}
