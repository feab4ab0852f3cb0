using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Diagnostics;

/// <summary>
/// The metric tags of one port, boxed once so that recording a measurement allocates nothing. <c>name</c> is
/// the fronted name, as on the ambassador's own instruments, so that one label joins them all.
/// </summary>
internal sealed class PortTags(string name, ListenPort port)
{
    public KeyValuePair<string, object?> Name { get; } = new("name", name);

    public KeyValuePair<string, object?> Port { get; } = new("port", port.ToString());

    /// <summary>Client to backend.</summary>
    public KeyValuePair<string, object?> Upstream { get; } = new("direction", "upstream");

    /// <summary>Backend to client.</summary>
    public KeyValuePair<string, object?> Downstream { get; } = new("direction", "downstream");

    public static KeyValuePair<string, object?> Idle { get; } = new("reason", "idle");

    public static KeyValuePair<string, object?> HalfClose { get; } = new("reason", "half_close");

    public static KeyValuePair<string, object?> Finished { get; } = new("reason", "finished");

    public static KeyValuePair<string, object?> ClosedAtDeadline { get; } = new("reason", "closed");

    /// <summary>The reason tag of a refused connection, one boxed pair per reason.</summary>
    public static KeyValuePair<string, object?> Refusal(Access.AccessRefusal reason) => reason switch
    {
        Access.AccessRefusal.NotAllowed => NotAllowed,
        Access.AccessRefusal.TooManyConnections => PerClientLimit,
        Access.AccessRefusal.RateLimited => RateLimit,
        _ => TooManyClients,
    };

    private static KeyValuePair<string, object?> NotAllowed { get; } = new("reason", "not_allowed");

    private static KeyValuePair<string, object?> PerClientLimit { get; } = new("reason", "per_client_limit");

    private static KeyValuePair<string, object?> RateLimit { get; } = new("reason", "rate_limit");

    private static KeyValuePair<string, object?> TooManyClients { get; } = new("reason", "too_many_clients");
}
