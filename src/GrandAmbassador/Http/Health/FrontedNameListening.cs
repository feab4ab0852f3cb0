using GrandAmbassador.DataPlane;

namespace GrandAmbassador.Http.Health;

/// <summary>Whether a fronted name's listeners are open: what readiness and the page ask, read from what its proxy publishes.</summary>
internal static class FrontedNameListening
{
    /// <summary>
    /// True when the routes last applied have ports and every one of them is bound. False before the
    /// first route (no container yet, no explicit port) and while a port fails to bind.
    /// </summary>
    public static bool IsListening(this FrontedName name) => name.Proxy.State.ListensOnEveryRoutedPort;

    /// <summary>"web: port 8080/tcp is taken (Address already in use)", or null while every port it tried listens.</summary>
    public static string? WhyNotListening(this FrontedName name) =>
        name.Proxy.State.Failures is [var first, ..] ? $"{name.Name}: port {first.Port} is taken ({first.Reason})" : null;
}
