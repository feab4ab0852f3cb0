using System.Collections.Immutable;

namespace GrandAmbassador.Status;

/// <summary>What <c>status</c> prints for one container behind one name.</summary>
/// <param name="Unreachable">Why no host can reach it at all (no address, nothing published), or null.</param>
/// <param name="ProxyProtocol">Its <c>grand-ambassador.proxy-protocol</c> label ("v1", "v2"; another value is
/// shown with "(ignored)"); null: none.</param>
internal sealed record EndpointStatus(
    string HostId,
    string Container,
    string ContainerId,
    string State,
    string Health,
    DateTimeOffset Since,
    ImmutableArray<PortStatus> Ports,
    string? Unreachable = null,
    string? ProxyProtocol = null);

/// <summary>One exposed port: the container's addresses, where it is published, who can reach it, and how each
/// ambassador that fronts it does.</summary>
/// <param name="ReachableFrom">Which hosts could reach it, from what its own host reports ("every host", "host-a only (…)").</param>
/// <param name="Reached">How each fronting ambassador's routes reach it, as that ambassador last registered.</param>
internal sealed record PortStatus(
    string Port,
    ImmutableArray<string> Addresses,
    ImmutableArray<string> Published,
    string ReachableFrom,
    ImmutableArray<ReachStatus> Reached);

/// <summary>How one ambassador reaches one port of one container.</summary>
/// <param name="From">The ambassador's host.</param>
/// <param name="How">"local 172.17.0.2:6379", "published 10.0.0.11:16379", "relay through host a (10.0.0.11:11112)", or why
/// it is unreachable (<see cref="Contracts.Endpoints.PortReach.ToString"/>).</param>
/// <param name="Unreachable">Whether it gets no connection now: no route, or its host's relay failed at the last attempt.</param>
internal sealed record ReachStatus(string From, string How, bool Unreachable = false);

/// <summary>One name, every container that answers to it, and every ambassador that fronts it.</summary>
internal sealed record NameStatus(string Name, ImmutableArray<EndpointStatus> Endpoints, ImmutableArray<FrontedByStatus> FrontedBy);

/// <summary>An ambassador (by host id) that fronts a name, and the ports it listens on for it ("8080/tcp").</summary>
/// <param name="ProxyProtocol">The PROXY protocol header its targets are sent (<c>--proxy-protocol</c>); null: none.</param>
/// <param name="AcceptProxy">Whether it takes a PROXY protocol header from clients (<c>--accept-proxy</c>).</param>
/// <param name="Access">Who may connect there ("allow 10.0.0.0/8; 50 open per client"); null: everyone.</param>
internal sealed record FrontedByStatus(string HostId, ImmutableArray<string> Listeners, string? ProxyProtocol = null, bool AcceptProxy = false, string? Access = null)
{
    /// <summary>"host-c (8080/tcp, 53/udp)", or "host-c (not listening yet)", with "proxy-protocol v2", "accept-proxy" and "; allow 10.0.0.0/8" when set.</summary>
    public override string ToString() =>
        $"{HostId} ({(Listeners.IsEmpty ? "not listening yet" : string.Join(", ", Listeners))}{(Access is null ? "" : $"; {Access}")}){(ProxyProtocol is null ? "" : $" proxy-protocol {ProxyProtocol}")}{(AcceptProxy ? " accept-proxy" : "")}";
}

/// <summary>The whole report: hosts with agents, and every name they know.</summary>
/// <param name="OtherNames">Names left out by <see cref="FrontedFirst"/>: containers no ambassador fronts.</param>
internal sealed record ClusterStatus(ImmutableArray<string> Hosts, ImmutableArray<NameStatus> Names, int OtherNames = 0)
{
    /// <summary>
    /// The names some ambassador fronts, then (with <paramref name="all"/>) the others, each by name:
    /// every container on a host (an ambassador's own, a throwaway client) has a name, and most are
    /// nobody's business.
    /// </summary>
    public ClusterStatus FrontedFirst(bool all)
    {
        var fronted = Names.Where(name => !name.FrontedBy.IsEmpty).ToList();
        var others = Names.Where(name => name.FrontedBy.IsEmpty).ToList();
        return this with { Names = [.. fronted, .. all ? others : []], OtherNames = all ? 0 : others.Count };
    }
}
