using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Tests.Routing;

public sealed class ListenPortTests
{
    [Theory]
    [InlineData(6379, TransportProtocol.Tcp, "6379/tcp")]
    [InlineData(53, TransportProtocol.Udp, "53/udp")]
    public void ToString_UsesDockerNotation(int port, TransportProtocol protocol, string expected) =>
        Assert.Equal(expected, new ListenPort(port, protocol).ToString());
}
