using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>
/// A connected backend socket, the destination it belongs to and the address that answered; or, when
/// <see cref="Connected"/> is false, no backend: the connect wait ran out, or the held flow was evicted.
/// </summary>
internal readonly record struct DialResult(Socket? Socket, Destination? Destination, IPEndPoint? Address, bool Evicted = false)
{
    public static DialResult WaitExpired => default;

    public static DialResult WasEvicted => new(null, null, null, Evicted: true);

    [MemberNotNullWhen(true, nameof(Socket), nameof(Destination), nameof(Address))]
    public bool Connected => Socket is not null;
}
