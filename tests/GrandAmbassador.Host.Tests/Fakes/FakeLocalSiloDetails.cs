using System.Net;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>This silo's identity, without a silo; unit tests only.</summary>
internal sealed class FakeLocalSiloDetails : ILocalSiloDetails
{
    public string Name => "fake-silo";

    public string ClusterId => "fake-cluster";

    public string DnsHostName => "localhost";

    public SiloAddress SiloAddress { get; } = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11111), 1);

    public SiloAddress GatewayAddress => SiloAddress;
}
