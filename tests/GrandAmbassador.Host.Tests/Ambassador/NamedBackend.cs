using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GrandAmbassador.Host.Tests.Ambassador;

/// <summary>
/// A real TCP backend on loopback that greets each connection with its one-letter name, then echoes:
/// a client through the proxy can tell which backend it reached, and whether its connection still relays.
/// </summary>
internal sealed class NamedBackend : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly byte[] _greeting;

    public NamedBackend(string name)
    {
        _greeting = Encoding.ASCII.GetBytes(name);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(100);
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _accepting;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var connection = await _listener.AcceptAsync(_stop.Token);
                _ = EchoAsync(connection);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task EchoAsync(Socket connection)
    {
        using (connection)
        {
            try
            {
                await connection.SendAsync(_greeting, _stop.Token);
                var buffer = new byte[4096];
                int read;
                while ((read = await connection.ReceiveAsync(buffer, _stop.Token)) > 0)
                {
                    await connection.SendAsync(buffer.AsMemory(0, read), _stop.Token);
                }
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                // The proxy closed it, or the test ended.
            }
        }
    }
}
