namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>One name an ambassador fronts and the ports it listens on for it (none yet: not listening).</summary>
/// <param name="ProxyProtocol">The PROXY protocol header its targets are sent (<c>--proxy-protocol</c>: "v1", "v2"); null: none.</param>
/// <param name="AcceptProxy">Whether its clients must start with a PROXY protocol header (<c>--accept-proxy</c>).</param>
/// <param name="Access">Who may connect to it there ("allow 10.0.0.0/8; 50 open per client"); null: everyone, no limit per client.</param>
/// <param name="Reached">How its routes reach each port of each container they dial, or why one is not reached: what
/// <c>status</c> shows under each container ("from host-c: relay through host a (10.0.0.11:11112)").</param>
[GenerateSerializer, Immutable, Alias("ga.FrontedNameListeners")]
public sealed record FrontedNameListeners(
    [property: Id(0)] string Name,
    [property: Id(1)] EquatableArray<FrontedListener> Listeners,
    [property: Id(2)] string? ProxyProtocol = null,
    [property: Id(3)] bool AcceptProxy = false,
    [property: Id(4)] string? Access = null,
    [property: Id(5)] EquatableArray<PortReach> Reached = default);
