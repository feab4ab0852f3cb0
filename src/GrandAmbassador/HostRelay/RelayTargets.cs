using System.Net;
using System.Net.Sockets;
using GrandAmbassador.Ambassador;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Proxy.HostRelay;

namespace GrandAmbassador.HostRelay;

/// <summary>
/// Turns a relay request into a connected socket to the container (TCP, or UDP for a UDP session), or a refusal: the one
/// place that decides, whatever link the request came on. It dials only what <see cref="RelayAuthorizer"/> grants.
/// </summary>
internal sealed class RelayTargets(LocalContainerView view, string hostId, TimeSpan connectTimeout, TimeProvider time)
{
    private readonly LocalNetworks _networks = LocalNetworks.Read();

    public async Task<(Socket? Container, IPEndPoint? Address, RelayReply Reply)> ConnectAsync(RelayRequest request, bool draining, CancellationToken abandoned)
    {
        if (draining)
        {
            return (null, null, new RelayReply(RelayVerdict.Draining, $"the relay of host {hostId} is shutting down"));
        }

        var (addresses, notReported) = RelayAuthorizer.Resolve(request, view, hostId, _networks);
        if (notReported is not null)
        {
            return (null, null, new RelayReply(RelayVerdict.NotReported, notReported));
        }

        var udp = request.Protocol == "udp";
        foreach (var address in addresses)
        {
            // For UDP a connected socket of the session's own, so that the container sees one peer per session as from a
            // local ambassador; its connect sends nothing, so the first address with a route is the one.
            var socket = udp
                ? new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var timeout = new CancellationTokenSource(connectTimeout, time);
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, abandoned);
            try
            {
                await socket.ConnectAsync(address, attempt.Token).ConfigureAwait(false);
                return (socket, address, RelayReply.Go);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException)
            {
                socket.Dispose();
            }
        }

        return (null, null, new RelayReply(RelayVerdict.Unreachable, $"no address of container {request.ShortContainer} on host {hostId} answered on {request.Port}/{request.Protocol}"));
    }
}
