using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// A connected backend socket, the destination it belongs to and the address that answered; or, when
/// <see cref="Connected"/> is false, no backend: the connect wait ran out, or the held flow was evicted.
/// <see cref="Tls"/> is set for a backend reached through a host's relay over TLS: the bytes go through it,
/// while <see cref="Socket"/> (its TCP connection) is what a close or a reset acts on. A UDP port's backend behind a relay
/// is such a TCP connection too (its datagrams go framed over it), never a UDP socket.
/// </summary>
internal readonly record struct DialResult(Socket? Socket, Destination? Destination, IPEndPoint? Address, bool Evicted = false, SslStream? Tls = null)
{
    public static DialResult WaitExpired => default;

    public static DialResult WasEvicted => new(null, null, null, Evicted: true);

    [MemberNotNullWhen(true, nameof(Socket), nameof(Destination), nameof(Address))]
    public bool Connected => Socket is not null;
}
