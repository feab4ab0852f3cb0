using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Udp.Loop;

/// <summary>
/// A UDP session's socket to its backend, on its port's loop: replies are read with recvmmsg and sent to the client
/// with one sendmmsg from the port's socket. Closed on the loop's thread only, so that the port's handler, which sends
/// the client's datagrams on it, never meets its descriptor closed or reused.
/// </summary>
internal sealed class LoopDatagramBackend : ILoopHandler
{
    private const int BatchesPerTurn = 16;

    private readonly UdpSession _session;
    private readonly LoopDatagramPort _port;
    private readonly Socket _socket;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _resume;
    private LoopRegistration _registration;
    private bool _closing;

    public LoopDatagramBackend(UdpSession session, LoopDatagramPort port, Socket socket)
    {
        _session = session;
        _port = port;
        _socket = socket;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
        _resume = () => OnEvents(LoopNative.EpollIn);
    }

    /// <summary>The backend socket's descriptor, for sends on the port's loop.</summary>
    public int Fd { get; }

    /// <summary>Completes once the socket is out of the loop and closed.</summary>
    public Task Completion => _closed.Task;

    /// <summary>Starts reading replies: at once on the port's loop, else posted there.</summary>
    public void Start()
    {
        if (_port.Loop.IsCurrent)
        {
            Register();
        }
        else
        {
            _port.Loop.Post(Register);
        }
    }

    /// <summary>Closes the socket on the loop, after whatever the loop is doing now; from any thread, any number of times.</summary>
    public void Close() => _port.Loop.Post(() =>
    {
        if (_closing)
        {
            return;
        }

        _closing = true;
        _port.Loop.Remove(_registration);
        _registration = default;
        _socket.Dispose();
        _closed.TrySetResult();
    });

    public void OnEvents(uint events)
    {
        var batch = _port.Loop.Datagrams;
        for (var turn = 0; turn < BatchesPerTurn; turn++)
        {
            if (_closing)
            {
                return;
            }

            var received = batch.Receive(Fd);
            if (received == -LoopNative.EINTR)
            {
                continue;
            }

            if (received < 0)
            {
                if (received != -LoopNative.EAGAIN)
                {
                    // Typically ECONNREFUSED: an ICMP "port unreachable" came back from the backend; the session ends.
                    _session.ReceiveFailed(LoopErrors.ToSocketError(-received));
                }

                return;
            }

            _session.Replied(received);
            _session.RepliesDropped(received - _port.SendToClient(batch, 0, received, _session.ClientAddress));
            if (received < DatagramBatch.Capacity)
            {
                return;
            }
        }

        _port.Loop.Post(_resume);
    }

    private void Register()
    {
        if (_closing)
        {
            return;
        }

        _registration = LoopRegistration.For(Fd, this);
        var errno = _port.Loop.Add(_registration, LoopNative.EpollIn);
        if (errno != 0)
        {
            _registration = default;
            _session.ReceiveFailed(LoopErrors.ToSocketError(errno));
        }
    }
}
