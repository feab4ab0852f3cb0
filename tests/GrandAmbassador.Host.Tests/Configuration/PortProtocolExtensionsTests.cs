using GrandAmbassador.Configuration;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Host.Tests.Configuration;

public sealed class PortProtocolExtensionsTests
{
    [Theory]
    [InlineData(PortProtocol.Tcp)]
    [InlineData(PortProtocol.Udp)]
    public void EachProtocol_BecomesTheTransportOfItsName_AndBack(PortProtocol contract)
    {
        var transport = contract.ToTransport();

        // The two enums spell each protocol alike; the proxy's is internal, so compared by name.
        Assert.Equal(contract.ToString(), transport.ToString());
        Assert.Equal(contract, transport.ToContract());
    }
}
