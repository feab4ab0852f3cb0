namespace GrandAmbassador.Configuration;

/// <summary>How a container on another host is reached (<c>--cross-host</c>).</summary>
internal enum CrossHostRoute
{
    /// <summary>At a port it publishes on its host when it has one, else through its host's relay.</summary>
    Auto,

    /// <summary>Only at a port it publishes: the relay is never used.</summary>
    Published,

    /// <summary>Always through its host's relay: with cluster TLS nothing fronted crosses the network in clear.</summary>
    Relay,
}
