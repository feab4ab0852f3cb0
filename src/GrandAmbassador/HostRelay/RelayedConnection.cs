using System.Net.Security;
using System.Net.Sockets;
using GrandAmbassador.Proxy.Tcp;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// One connection the relay passes on to a container, once it said go: both directions copied until each has ended,
/// as the proxy does (<see cref="SocketCopier"/>: splice for bulk; <see cref="TlsStreamCopier"/> when the link is TLS).
/// A FIN or a reset on either side is passed to the other.
/// </summary>
internal sealed class RelayedConnection : IRelayedFlow
{
    private static readonly Action<SocketCopier> OnSocketDone = copier => ((RelayedConnection)copier.UserToken!).DirectionDone();
    private static readonly Action<TlsStreamCopier> OnTlsDone = copier => ((RelayedConnection)copier.UserToken!).DirectionDone();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Socket _peer;
    private readonly SslStream? _tls;
    private readonly Socket _container;
    private IDirectionCopier? _toContainer;
    private IDirectionCopier? _fromContainer;
    private int _running = 2;

    public RelayedConnection(Socket peer, SslStream? tls, Socket container)
    {
        _peer = peer;
        _tls = tls;
        _container = container;
    }

    public long BytesToContainer => _toContainer?.BytesCopied ?? 0;

    public long BytesFromContainer => _fromContainer?.BytesCopied ?? 0;

    /// <summary>Copies both ways; completes once both directions have ended.</summary>
    public Task RunAsync(int bufferSize, int splicePipeSize)
    {
        if (_tls is { } tls)
        {
            var container = new NetworkStream(_container, ownsSocket: false);
            _toContainer = new TlsStreamCopier(tls, _peer, container, _container, bufferSize, OnTlsDone) { UserToken = this };
            _fromContainer = new TlsStreamCopier(container, _container, tls, _peer, bufferSize, OnTlsDone) { UserToken = this };
        }
        else
        {
            _toContainer = new SocketCopier(_peer, _container, bufferSize, splicePipeSize, OnSocketDone) { UserToken = this };
            _fromContainer = new SocketCopier(_container, _peer, bufferSize, splicePipeSize, OnSocketDone) { UserToken = this };
        }

        _toContainer.Start();
        _fromContainer.Start();
        return _done.Task;
    }

    /// <summary>A FIN both ways (the drain's deadline): each side reads end-of-stream.</summary>
    public void Close()
    {
        SocketTermination.ShutdownBoth(_peer);
        SocketTermination.ShutdownBoth(_container);
    }

    /// <summary>A reset both ways (the process is closing).</summary>
    public void Abort()
    {
        SocketTermination.Reset(_peer);
        SocketTermination.Reset(_container);
    }

    private void DirectionDone()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _toContainer?.Dispose();
            _fromContainer?.Dispose();
            _done.TrySetResult();
        }
    }
}
