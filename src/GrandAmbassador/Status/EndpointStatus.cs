using System.Collections.Immutable;

namespace GrandAmbassador.Status;

/// <summary>What <c>status</c> prints for one container behind one name.</summary>
internal sealed record EndpointStatus(
    string HostId,
    string Container,
    string ContainerId,
    string State,
    string Health,
    DateTimeOffset Since,
    ImmutableArray<PortStatus> Ports);

/// <summary>One exposed port: the container's addresses, where it is published, and who can reach it.</summary>
internal sealed record PortStatus(
    string Port,
    ImmutableArray<string> Addresses,
    ImmutableArray<string> Published,
    string ReachableFrom);

/// <summary>One name and every container that answers to it.</summary>
internal sealed record NameStatus(string Name, ImmutableArray<EndpointStatus> Endpoints);

/// <summary>The whole report: hosts with agents, and every name they know.</summary>
internal sealed record ClusterStatus(ImmutableArray<string> Hosts, ImmutableArray<NameStatus> Names);
