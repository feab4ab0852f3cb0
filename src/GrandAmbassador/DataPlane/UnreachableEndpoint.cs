namespace GrandAmbassador.DataPlane;

/// <summary>A running container this ambassador cannot send a port's traffic to, and why.</summary>
internal sealed record UnreachableEndpoint(string HostId, string ContainerName, string Port, string Reason);
