using System.Diagnostics.CodeAnalysis;
using System.Net;
using GrandAmbassador.Proxy.HostRelay.Mux;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// A connected backend socket, the destination it belongs to and the address that answered; or, when
/// <see cref="Connected"/> is false, no backend: the connect wait ran out, or the held flow was evicted.
/// A backend reached through a host's relay over TLS is a <see cref="Stream"/> of the link to that relay, and has no
/// <see cref="Socket"/>; every other backend is a socket. A UDP port's backend behind a relay is such a stream, or a TCP
/// socket to a plaintext relay (its datagrams go framed over either), never a UDP socket.
/// </summary>
internal readonly record struct DialResult(Socket? Socket, Destination? Destination, IPEndPoint? Address, bool Evicted = false, MuxStream? Stream = null)
{
    public static DialResult WaitExpired => default;

    public static DialResult WasEvicted => new(null, null, null, Evicted: true);

    [MemberNotNullWhen(true, nameof(Destination), nameof(Address))]
    public bool Connected => Socket is not null || Stream is not null;
}
