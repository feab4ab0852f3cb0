using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Proxy.EventLoops;

namespace GrandAmbassador.Proxy.Udp.Loop;

/// <summary>
/// A UDP port's socket on an event loop: each readable edge is read out with recvmmsg, a batch at a time, and each run
/// of datagrams from one client goes to that client's session (<see cref="UdpPortListener.Deliver"/>). The port's
/// sessions live on the same loop (<see cref="LoopDatagramBackend"/>), so the socket, which they send replies from, is
/// used and finally closed on that one thread: its descriptor cannot be closed, or reused, under a send.
/// </summary>
internal sealed class LoopDatagramPort : ILoopHandler
{
    // Batches read per edge before the loop's other descriptors get a turn; the rest is read in a posted turn.
    private const int BatchesPerTurn = 16;

    private readonly UdpPortListener _listener;
    private readonly Socket _socket;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _resume;
    private LoopRegistration _registration;

    public LoopDatagramPort(UdpPortListener listener, EventLoop loop, Socket socket)
    {
        _listener = listener;
        _socket = socket;
        Loop = loop;
        Fd = (int)socket.SafeHandle.DangerousGetHandle();
        _resume = () => OnEvents(LoopNative.EpollIn);
    }

    public EventLoop Loop { get; }

    /// <summary>The port socket's descriptor: read and sent from on <see cref="Loop"/>'s thread only.</summary>
    public int Fd { get; }

    /// <summary>False once the port stopped; read and written on the loop's thread only.</summary>
    public bool IsOpen { get; private set; } = true;

    /// <summary>Completes once the socket is out of the loop and closed.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Starts receiving on the loop: 0, or the errno when epoll refuses the socket.</summary>
    public int Start()
    {
        _registration = LoopRegistration.For(Fd, this);
        return Loop.Add(_registration, LoopNative.EpollIn);
    }

    /// <summary>Takes the socket out of the loop and closes it there; from any thread.</summary>
    public void Stop() => Loop.Post(() =>
    {
        IsOpen = false;
        Loop.Remove(_registration);
        _registration = default;
        _socket.Dispose();
        _stopped.TrySetResult();
    });

    /// <summary>
    /// Sends received datagrams to one client from the port's socket: how many went. The rest is dropped: no room in
    /// the socket's buffer (as nginx drops them; the sockets path waits for room), a datagram too large for the path,
    /// or the port stopped.
    /// </summary>
    public int SendToClient(DatagramBatch batch, int start, int count, SocketAddress client)
    {
        var address = client.Buffer.Span[..client.Size];
        var end = start + count;
        var delivered = 0;
        while (IsOpen && start < end)
        {
            var sent = batch.SendTo(Fd, start, end - start, address);
            if (sent > 0)
            {
                // A short count hides the errno that stopped it: the next call (from there) says what it was.
                delivered += sent;
                start += sent;
            }
            else if (sent == -LoopNative.EMSGSIZE)
            {
                start++;
            }
            else if (sent != -LoopNative.EINTR)
            {
                break;
            }
        }

        return delivered;
    }

    public void OnEvents(uint events)
    {
        var batch = Loop.Datagrams;
        for (var turn = 0; turn < BatchesPerTurn; turn++)
        {
            if (!IsOpen)
            {
                return;
            }

            var received = batch.Receive(Fd);
            if (received == -LoopNative.EAGAIN)
            {
                return;
            }

            if (received < 0)
            {
                // A pending error (reading it clears it) or an interrupted call: the datagrams queued behind it are read
                // on, since no new edge would come for them.
                if (received != -LoopNative.EINTR)
                {
                    UdpLog.ReceiveFailed(_listener.Context.Logger, _listener.Port, LoopErrors.ToSocketError(-received));
                }

                continue;
            }

            DeliverRuns(batch, received);

            // A short batch emptied the queue: a datagram arriving after it raises a new edge.
            if (received < DatagramBatch.Capacity)
            {
                return;
            }
        }

        Loop.Post(_resume);
    }

    /// <summary>Each run of consecutive datagrams from one client goes to its session in one call, sent with one sendmmsg.</summary>
    private void DeliverRuns(DatagramBatch batch, int received)
    {
        var start = 0;
        while (start < received)
        {
            var end = start + 1;
            var sender = batch.Sender(start);
            while (end < received && batch.Sender(end).SequenceEqual(sender))
            {
                end++;
            }

            try
            {
                _listener.Deliver(batch, start, end - start);
            }
            catch (Exception ex)
            {
                // One client's failure is not the port's: the datagrams behind it are delivered still (an escape would
                // leave them unread, with no new edge to come for them).
                UdpLog.ReceiveLoopFailed(_listener.Context.Logger, _listener.Port, ex);
            }

            start = end;
        }
    }
}
