namespace GrandAmbassador.Ambassador;

/// <summary>Where this ambassador stands: its host, and the networks it can reach directly.</summary>
internal sealed record RouteContext(string HostId, LocalNetworks Networks);
