using System.Diagnostics;
using System.Net.Sockets;

namespace GrandAmbassador.Testing;

/// <summary>
/// A socat relay from a private unix socket to the engine's. Stopping it cuts every connection
/// through it (the event stream too), which is what an engine restart looks like to the agent.
/// </summary>
public sealed class SocketRelay : IAsyncDisposable
{
    private Process? _socat;

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"ga-relay-{Guid.NewGuid().ToString("N")[..8]}.sock");

    public Uri Endpoint => new($"unix://{Path}");

    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("socat") { RedirectStandardError = true };
        start.ArgumentList.Add($"UNIX-LISTEN:{Path},fork,unlink-early");
        start.ArgumentList.Add("UNIX-CONNECT:/var/run/docker.sock");
        _socat = Process.Start(start) ?? throw new InvalidOperationException("socat did not start");
        await WaitUntilListeningAsync();
    }

    /// <summary>Kills socat and the children serving open connections.</summary>
    public async Task StopAsync()
    {
        if (_socat is { } socat)
        {
            socat.Kill(entireProcessTree: true);
            await socat.WaitForExitAsync();
            socat.Dispose();
            _socat = null;
        }

        File.Delete(Path);
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    // socat creates the socket right after starting; connect until it answers (hang guard 10 s).
    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(Path));
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
        }
    }
}
