using GrandAmbassador.Proxy.Tcp;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// One connection the relay passes on to a container, once it said go: both directions copied until each has ended,
/// as the proxy copies (<see cref="SocketCopier"/> between plain sockets, splicing bulk; <see cref="StreamCopier"/> when
/// the ambassador's side is a TLS stream or a stream of a multiplexed link). A FIN or a reset on either side is passed on.
/// </summary>
internal sealed class RelayedConnection : IRelayedFlow
{
    private static readonly Action<SocketCopier> OnSocketDone = copier => ((RelayedConnection)copier.UserToken!).DirectionDone();
    private static readonly Action<StreamCopier> OnStreamDone = copier => ((RelayedConnection)copier.UserToken!).DirectionDone();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CopyEnd _peer;
    private readonly CopyEnd _container;
    private IDirectionCopier? _toContainer;
    private IDirectionCopier? _fromContainer;
    private int _running = 2;

    public RelayedConnection(CopyEnd peer, CopyEnd container)
    {
        _peer = peer;
        _container = container;
    }

    public long BytesToContainer => _toContainer?.BytesCopied ?? 0;

    public long BytesFromContainer => _fromContainer?.BytesCopied ?? 0;

    /// <summary>Copies both ways; completes once both directions have ended.</summary>
    public Task RunAsync(int bufferSize, int splicePipeSize)
    {
        if (_peer.Stream is System.Net.Sockets.NetworkStream && _peer.Socket is { } peer && _container.Socket is { } container)
        {
            _toContainer = new SocketCopier(peer, container, bufferSize, splicePipeSize, OnSocketDone) { UserToken = this };
            _fromContainer = new SocketCopier(container, peer, bufferSize, splicePipeSize, OnSocketDone) { UserToken = this };
        }
        else
        {
            _toContainer = new StreamCopier(_peer, _container, bufferSize, OnStreamDone) { UserToken = this };
            _fromContainer = new StreamCopier(_container, _peer, bufferSize, OnStreamDone) { UserToken = this };
        }

        _toContainer.Start();
        _fromContainer.Start();
        return _done.Task;
    }

    /// <summary>A FIN both ways (the drain's deadline): each side reads end-of-stream.</summary>
    public void Close()
    {
        _peer.ShutdownBoth();
        _container.ShutdownBoth();
    }

    /// <summary>A reset both ways (the process is closing).</summary>
    public void Abort()
    {
        _peer.Reset();
        _container.Reset();
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
