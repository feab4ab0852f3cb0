using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;

namespace GrandAmbassador.Ambassador;

/// <summary>One name this process fronts: what was asked for, its proxy, and whether its listeners are open.</summary>
internal sealed record FrontedName(FrontedService Service, ServiceProxy Proxy, ServiceFollower Follower)
{
    public string Name => Service.Name;
}
