using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tcp;

/// <summary>The outcome of one direction, returned as a value so that expected failures cost no rethrow.</summary>
/// <param name="Status">How the direction ended.</param>
/// <param name="Bytes">Bytes relayed in this direction.</param>
/// <param name="Error">The socket error behind a failure; <see cref="SocketError.Success"/> otherwise.</param>
/// <param name="Exception">An unexpected exception, which is worth a warning; <see langword="null"/> for socket noise.</param>
internal readonly record struct CopyResult(CopyStatus Status, long Bytes, SocketError Error = SocketError.Success, Exception? Exception = null);
