namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>The relay's answer to a <see cref="RelayRequest"/>: the first byte of its reply. Values are on the wire: never renumber.</summary>
internal enum RelayVerdict : byte
{
    /// <summary>The relay is connected to the container: bytes flow both ways from here.</summary>
    Go = 0,

    /// <summary>The request could not be read (not the relay protocol, too long, malformed).</summary>
    BadRequest = 1,

    /// <summary>The relay's agent reports no such running container with that port: refused, never dialled.</summary>
    NotReported = 2,

    /// <summary>The container is reported, but no address of it answered.</summary>
    Unreachable = 3,

    /// <summary>The relay's process is shutting down: it takes no new connections.</summary>
    Draining = 4,
}
