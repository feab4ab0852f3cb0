namespace GrandAmbassador.Proxy.Routing;

/// <summary>A port the proxy listens on, with its transport.</summary>
/// <param name="Port">The port number; 0 asks the operating system for a free port.</param>
/// <param name="Protocol">The transport.</param>
internal readonly record struct ListenPort(int Port, TransportProtocol Protocol)
{
    /// <summary>Docker's notation, e.g. <c>6379/tcp</c>, so logs read like <c>docker ps</c>.</summary>
    public override string ToString() => Protocol == TransportProtocol.Tcp ? $"{Port}/tcp" : $"{Port}/udp";
}
