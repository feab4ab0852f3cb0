namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// A destination on another host reached through that host's relay: the destination's addresses are the relay's,
/// and the relay is asked for this container's port (<see cref="HostRelay.RelayRequest"/>).
/// </summary>
/// <param name="HostId">The host whose relay it is (for logs and status).</param>
/// <param name="Name">The fronted name (the relay logs it).</param>
/// <param name="ContainerId">The container's full id on that host.</param>
/// <param name="ContainerPort">The container's port.</param>
internal sealed record RelayHop(string HostId, string Name, string ContainerId, int ContainerPort);
