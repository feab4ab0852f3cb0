namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>How an ambassador reaches a container's port. Values are on the wire: never renumber.</summary>
[GenerateSerializer, Alias("ga.ReachKind")]
public enum ReachKind
{
    /// <summary>Not at all: <see cref="PortReach.Problem"/> says why (no address, nothing published and no relay…).</summary>
    None = 0,

    /// <summary>The container is on the ambassador's own host: dialled at its own address.</summary>
    Local = 1,

    /// <summary>On another host, at a port that host publishes for it, at the address that host advertises.</summary>
    Published = 2,

    /// <summary>On another host, through that host's relay.</summary>
    Relay = 3,
}
