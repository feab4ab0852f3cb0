using System.Net.Security;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>A connection to a host's relay that said go: its socket, and the TLS stream over it unless the relay is plaintext.</summary>
internal readonly record struct RelayLink(Socket Socket, SslStream? Tls);
