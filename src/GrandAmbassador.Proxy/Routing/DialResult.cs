using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Routing;

/// <summary>A connected backend socket and the destination it belongs to.</summary>
internal readonly record struct DialResult(Socket Socket, Destination Destination);
