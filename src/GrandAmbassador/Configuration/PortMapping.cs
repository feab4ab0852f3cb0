using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Configuration;

/// <summary>
/// One explicit <c>--port</c>: listen on <see cref="ListenPort"/> and forward to the target's
/// <see cref="TargetPort"/>. <see cref="ServiceName"/> is null when only one name is fronted.
/// </summary>
internal sealed record PortMapping(string? ServiceName, int ListenPort, int TargetPort, PortProtocol Protocol)
{
    public override string ToString() =>
        $"{(ServiceName is null ? "" : ServiceName + "=")}{ListenPort}:{TargetPort}/{Protocol.ToString().ToLowerInvariant()}";
}
