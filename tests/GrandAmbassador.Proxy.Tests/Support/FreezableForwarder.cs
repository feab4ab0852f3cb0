using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// A TCP forwarder whose established connections can be frozen: nothing passes through them any more and nobody is
/// told, as with a partition or a host powered off. New connections through it still pass.
/// </summary>
internal sealed class FreezableForwarder : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly IPEndPoint _target;
    private readonly List<(Socket A, Socket B, CancellationTokenSource Frozen)> _pairs = [];

    public FreezableForwarder(IPEndPoint target)
    {
        _target = target;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        _ = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndPoint!;

    public void FreezeExisting()
    {
        lock (_pairs)
        {
            foreach (var pair in _pairs)
            {
                pair.Frozen.Cancel();
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        lock (_pairs)
        {
            foreach (var pair in _pairs)
            {
                pair.A.Dispose();
                pair.B.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket a;
            try
            {
                a = await _listener.AcceptAsync();
            }
            catch (Exception)
            {
                return;
            }

            var b = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await b.ConnectAsync(_target);
            var frozen = new CancellationTokenSource();
            lock (_pairs)
            {
                _pairs.Add((a, b, frozen));
            }

            _ = PumpAsync(a, b, frozen.Token);
            _ = PumpAsync(b, a, frozen.Token);
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken frozen)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, frozen);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, frozen);
            }
        }
        catch (Exception)
        {
            // Frozen: stop moving bytes, keep both sockets open (no FIN, no RST), as a partition does.
        }
    }
}
