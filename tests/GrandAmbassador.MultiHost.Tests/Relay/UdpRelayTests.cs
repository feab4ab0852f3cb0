using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Relay;

/// <summary>
/// Issue 17's UDP test: a UDP echo on host a that exposes its port and publishes nothing, fronted by host c, the cluster
/// on mutual TLS. Host c reaches it only through host a's relay, its datagrams framed over the relay's link: a 20 KB
/// datagram (and the largest IPv4 one) comes back whole, and 1,000 datagrams from 10 clients each come back to their
/// own client, none to another.
/// </summary>
public sealed class UdpRelayTests(ITestOutputHelper output) : LabTest(output)
{
    // Ports of this test's own: another relay test may have left a process on the default relay port.
    private const int EchoPort = 5471;
    private const int RelayPort = 11122;

    private static readonly TimeSpan Reply = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task AUdpEchoOnHostAPublishingNothing_EchoesThroughHostC_20KBWhole_AndAThousandDatagramsFromTenClientsEachToItsOwn()
    {
        using var certificates = new TestCertificates();
        var ca = await certificates.OwnCaAsync("cluster");
        foreach (var host in MultiHostLab.LabHosts)
        {
            await certificates.OwnHostAsync(ca, MultiHostLab.HostId(host), MultiHostLab.Address(host));
        }

        Lab.Tls = host =>
        [
            "--tls-cert", Path.Combine(ca, MultiHostLab.HostId(host), MultiHostLab.HostId(host) + ".pem"),
            "--tls-key", Path.Combine(ca, MultiHostLab.HostId(host), MultiHostLab.HostId(host) + "-key.pem"),
            "--tls-ca", Path.Combine(ca, MultiHostLab.HostId(host), "ca.pem"),
        ];

        var echo = $"{Lab.Prefix}-udp-echo";
        await MultiHostLab.DockerAsync("a", [
            "run", "-d", "--name", echo, "--expose", $"{EchoPort}/udp",
            "ga-test/socat:latest", "socat", "-b", "65536", $"UDP-RECVFROM:{EchoPort},fork,reuseaddr", "PIPE"]);
        Lab.StartAmbassador("a", [], ["--relay-port", $"{RelayPort}"]);
        Lab.StartAmbassador("c", [echo], []);

        // Host c's route for the UDP port is host a's relay: the echo publishes nothing, so there is no other way.
        var relay = $"{MultiHostLab.Address("a")}:{RelayPort}";
        var (_, routed) = await Lab.Ambassador("c").WaitForAsync(
            line => line.Contains($"{echo}: {EchoPort}/udp -> ", StringComparison.Ordinal) && line.Contains(MultiHostLab.HostId("a"), StringComparison.Ordinal),
            guard: TimeSpan.FromSeconds(120));
        Output.WriteLine($"route: {routed}");
        Assert.Contains(relay, routed);

        var through = new IPEndPoint(IPAddress.Parse(MultiHostLab.Address("c")), EchoPort);
        foreach (var size in new[] { 20 * 1024, 65_507 })
        {
            var payload = RandomNumberGenerator.GetBytes(size);
            var echoed = await Eventually.GetAsync(() => Clients.UdpRoundTripAsync(through, payload, TimeSpan.FromSeconds(2)), TimeSpan.FromSeconds(60), $"a {size}-byte datagram echoed through host c");
            Assert.Equal(payload, echoed);
        }

        var resent = await Task.WhenAll(Enumerable.Range(0, 10).Select(client => HundredEchoesAsync(through, client)));
        Output.WriteLine($"figures: 1,000 datagrams from 10 clients echoed through host c and host a's relay; {resent.Sum()} sent again after {Reply.TotalSeconds} s without an echo");
    }

    /// <summary>
    /// One client's 100 datagrams, one in flight at a time; each echo must be its own latest datagram. UDP may lose one
    /// (it is then sent again, and counted); an echo of another client's datagram fails the test.
    /// </summary>
    private static async Task<int> HundredEchoesAsync(IPEndPoint through, int client)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(through);
        var buffer = new byte[65_536];
        var resent = 0;
        for (var i = 0; i < 100; i++)
        {
            var sent = $"client {client} datagram {i}";
            while (true)
            {
                await socket.SendAsync(Encoding.ASCII.GetBytes(sent));
                using var guard = new CancellationTokenSource(Reply);
                try
                {
                    string echoed;
                    do
                    {
                        echoed = Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, guard.Token));
                        Assert.StartsWith($"client {client} datagram ", echoed);
                    }
                    while (echoed != sent);   // a late echo of this client's own earlier datagram, sent again
                    break;
                }
                catch (OperationCanceledException) when (guard.IsCancellationRequested)
                {
                    Assert.True(++resent <= 10, $"client {client}: more than 10 datagrams without an echo");
                }
            }
        }

        return resent;
    }
}
