namespace GrandAmbassador.DataPlane;

/// <summary>A container of which <paramref name="Count"/> exposed ports get no listener, over the cap of <paramref name="Cap"/>.</summary>
internal sealed record PortsLeftOut(string HostId, string ContainerName, int Count, int Cap);
