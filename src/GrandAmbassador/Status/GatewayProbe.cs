using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GrandAmbassador.Status;

/// <summary>
/// Before <c>status</c> starts an Orleans client against the single-host ambassador's gateway: is anything
/// listening there? Orleans would retry a refused gateway until the command's guard (30 s), then blame
/// the network. Only a connection attempt made when this host's socket table shows no listener on the
/// port, so that a running silo (with TLS, one that would log the probe as a refused peer) sees nothing.
/// </summary>
internal static class GatewayProbe
{
    private static readonly TimeSpan ConnectGuard = TimeSpan.FromSeconds(1);

    /// <summary>Why nothing answers at 127.0.0.1:<paramref name="port"/> ("connection refused"), or null when something may.</summary>
    public static async Task<string?> WhyNothingListensAsync(int port, CancellationToken cancellationToken)
    {
        if (ListensOnThisHost(port) is true)
        {
            return null;
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        guard.CancelAfter(ConnectGuard);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), guard.Token).ConfigureAwait(false);
            return null;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "connection refused";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Something holds the port without answering: let Orleans tell.
            return null;
        }
    }

    /// <summary>Whether a TCP socket listens on <paramref name="port"/> in this network namespace; null where /proc cannot tell.</summary>
    internal static bool? ListensOnThisHost(int port)
    {
        try
        {
            var hex = port.ToString("X4", CultureInfo.InvariantCulture);
            return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
                .Where(File.Exists)
                .SelectMany(File.ReadLines)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                // "sl local_address rem_address st …": local "0100007F:7530", state 0A = LISTEN.
                .Any(fields => fields.Length > 3 && fields[3] == "0A" && fields[1].EndsWith(":" + hex, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
