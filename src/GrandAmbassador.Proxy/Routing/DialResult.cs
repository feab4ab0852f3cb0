using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>A connected backend socket, the destination it belongs to and the address that answered.</summary>
internal readonly record struct DialResult(Socket Socket, Destination Destination, IPEndPoint Address);
