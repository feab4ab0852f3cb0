using System.Net;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>One open flow of a port, TCP connection or UDP session alike, as its listener manages it.</summary>
internal interface IProxyFlow
{
    /// <summary>The backend this flow relays to; <see langword="null"/> while it is held.</summary>
    string? BackendId { get; }

    /// <summary>The flow's client, as this ambassador knows it (a host's relay logs it); may cost an allocation to read.</summary>
    IPEndPoint? ClientEndPoint { get; }

    /// <summary>Completes when the flow has ended and released everything it held.</summary>
    Task Completion { get; }

    /// <summary>Ends the flow at once, because of a policy (its backend is gone, or its port closes); a reset for TCP.</summary>
    void Abort();

    /// <summary>Ends the flow gently (a drain's end, a timeout): a FIN both ways for TCP.</summary>
    void Close();
}
