using System.Collections.Immutable;
using System.Net;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>One backend (one run of one container) and the addresses it can be reached at, best first.</summary>
/// <param name="BackendId">Identifies the backend across snapshots; connections are retained or closed by it.</param>
/// <param name="Addresses">Tried in order until one connects.</param>
/// <param name="ProxyProtocol">
/// The PROXY protocol header its container's <c>grand-ambassador.proxy-protocol</c> label asks for; the name's
/// <c>--proxy-protocol</c>, when given, wins.
/// </param>
/// <param name="Relay">Set for a container on another host reached through its host's relay: <paramref name="Addresses"/>
/// are then the relay's, and each connection asks it for this container's port first.</param>
internal sealed record Destination(
    string BackendId,
    ImmutableArray<IPEndPoint> Addresses,
    ProxyProtocolVersion ProxyProtocol = ProxyProtocolVersion.None,
    RelayHop? Relay = null);
