using System.Collections.Immutable;

namespace GrandAmbassador.Configuration;

/// <summary>
/// A name this ambassador fronts, and its explicit port mappings; with none, every port the
/// target exposes is proxied on the same number.
/// </summary>
internal sealed record FrontedService(string Name, ImmutableArray<PortMapping> Ports)
{
    public bool HasExplicitPorts => !Ports.IsDefaultOrEmpty;
}
