namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>
/// What a relayed connection is for, sent first by the ambassador that dials a host's relay. The relay dials only
/// what its own agent reports for <see cref="Container"/>: the request names a container and one of its ports,
/// never an address.
/// </summary>
/// <param name="Name">The fronted name the client asked for (for the relay's log).</param>
/// <param name="Container">The full id of a container on the relay's host.</param>
/// <param name="Port">The container's port (exposed or published), as the container sees it.</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="Client">The client's address as the ambassador knows it (for the relay's log).</param>
internal sealed record RelayRequest(string Name, string Container, int Port, string Protocol, string? Client)
{
    /// <summary>The container's id as logs and reasons show it (as <c>ContainerEndpoint.ShortId</c>).</summary>
    public string ShortContainer => Container.Length > 12 ? Container[..12] : Container;
}
