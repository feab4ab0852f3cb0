using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.MultiHost.Tests.Lab;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Cluster;

/// <summary>
/// The PROXY protocol across hosts (issue 18): a target on host a that answers with the client address its PROXY
/// header named (ga-test/haproxy-pp: HAProxy with accept-proxy, "%ci:%cp"), published, fronted by host c's
/// ambassador with --proxy-protocol. The target must see the client that connected to host c, not host c.
/// </summary>
public sealed class ProxyProtocolCrossHostTests(ITestOutputHelper output) : LabTest(output)
{
    [Theory]
    [InlineData("v1")]
    [InlineData("v2")]
    public async Task ATargetOnHostA_SeesTheClientOfHostC_NotHostC(string version)
    {
        await MultiHostLab.DockerAsync("a", "run", "-d", "--name", Lab.Web, "--expose", $"{LabScenario.WebPort}",
            "-p", $"{LabScenario.PublishedPort}:{LabScenario.WebPort}", "ga-test/haproxy-pp:latest");
        Lab.StartAmbassador("a");
        Lab.StartAmbassador("c", [Lab.Web], ["--proxy-protocol", $"{Lab.Web}={version}"]);
        await Lab.RoutedToAsync("c", ["a"]);

        var (client, answer) = await Eventually.GetAsync(() => AskAsync(LabScenario.Through("c")));
        Output.WriteLine($"client {client}; the target saw {answer}");
        Assert.Equal($"{client.Address}:{client.Port}", answer);
        Assert.NotEqual(MultiHostLab.Address("c"), answer.Split(':')[0]);
    }

    /// <summary>One HTTP request; the client's own address and port, and the body's one line (what the target saw).</summary>
    private static async Task<(IPEndPoint Client, string Answer)> AskAsync(IPEndPoint through)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(through, guard.Token);
        var client = (IPEndPoint)socket.LocalEndPoint!;
        await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), SocketFlags.None, guard.Token);
        var response = new StringBuilder();
        var buffer = new byte[4096];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token)) > 0)
        {
            response.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var text = response.ToString();
        return text.StartsWith("HTTP/1.", StringComparison.Ordinal) && text.Contains("\r\n\r\n", StringComparison.Ordinal)
            ? (client, text[(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..].Trim())
            : throw new InvalidOperationException($"no HTTP answer: '{text}'");
    }
}
