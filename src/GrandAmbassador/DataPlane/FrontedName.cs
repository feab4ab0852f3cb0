using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// One fronted name in the data plane: its proxy (listeners, open connections, routes) and what was
/// last applied to it. Outlives every control-plane generation: a follower of the next generation
/// takes over the same proxy and picks up from <see cref="Applied"/>.
/// </summary>
internal sealed class FrontedName
{
    private readonly CancellationTokenSource _removed = new();

    public FrontedName(FrontedService service, ServiceProxy proxy, AppliedRoutes applied)
    {
        Service = service;
        Proxy = proxy;
        Applied = applied;
    }

    public string Name => Service.Name;

    public FrontedService Service { get; }

    public ServiceProxy Proxy { get; }

    /// <summary>What the proxy serves now. Written by one follower at a time (generations never overlap).</summary>
    public AppliedRoutes Applied { get; set; }

    /// <summary>Cancelled when the name is removed: its follower stops before the proxy closes.</summary>
    public CancellationToken Removed => _removed.Token;

    // Not disposed: followers may still read the token after the name was removed.
    internal void MarkRemoved() => _removed.Cancel();
}
