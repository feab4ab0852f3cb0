using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Tests.Routing;

public sealed class ListenPortTests
{
    [Theory]
    [InlineData(6379, "tcp", "6379/tcp")]
    [InlineData(53, "udp", "53/udp")]
    public void ToString_UsesDockerNotation(int port, string protocol, string expected) =>
        Assert.Equal(expected, new ListenPort(port, protocol == "udp" ? TransportProtocol.Udp : TransportProtocol.Tcp).ToString());
}
