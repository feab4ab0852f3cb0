using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.Docker.Tests.Inspection;

public sealed class ContainerPortsMapperTests
{
    [Theory]
    [InlineData("6379/tcp", 6379, PortProtocol.Tcp)]
    [InlineData("5353/udp", 5353, PortProtocol.Udp)]
    [InlineData("80", 80, PortProtocol.Tcp)]
    public void TryParseKey_TcpAndUdp_AreRead(string key, int port, PortProtocol protocol)
    {
        Assert.True(ContainerPortsMapper.TryParseKey(key, out var parsed));
        Assert.Equal((port, protocol), parsed);
    }

    [Theory]
    [InlineData("9000/sctp")]
    [InlineData("0/tcp")]
    [InlineData("70000/tcp")]
    [InlineData("http/tcp")]
    public void TryParseKey_WhatAProxyCannotServe_IsSkipped(string key)
    {
        Assert.False(ContainerPortsMapper.TryParseKey(key, out _));
    }

    [Fact]
    public void ToExposedPorts_PublishedWithoutExpose_IsIncludedWithBothFamilies()
    {
        var published = new Dictionary<string, IList<PortBinding>>
        {
            ["8080/tcp"] =
            [
                new PortBinding { HostIP = "0.0.0.0", HostPort = "18080" },
                new PortBinding { HostIP = "::", HostPort = "18080" },
            ],
        };

        var port = Assert.Single(ContainerPortsMapper.ToExposedPorts(null, published));

        Assert.Equal(8080, port.ContainerPort);
        Assert.Equal([new PublishedPort("0.0.0.0", 18080), new PublishedPort("::", 18080)], port.Published.ToArray());
    }
}
