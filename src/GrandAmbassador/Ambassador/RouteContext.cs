using GrandAmbassador.Configuration;

namespace GrandAmbassador.Ambassador;

/// <summary>Where this ambassador stands: its host, the networks it can reach directly, and how many
/// listeners a name may open from the ports its containers expose (explicit --port mappings are exempt).</summary>
internal sealed record RouteContext(string HostId, LocalNetworks Networks, int MaxExposedPorts = AmbassadorOptions.DefaultMaxExposedPorts);
