namespace GrandAmbassador.Contracts.Endpoints;

/// <summary>The transport of an exposed port, as Docker spells it after the slash ("6379/tcp").</summary>
[GenerateSerializer, Alias("ga.PortProtocol")]
public enum PortProtocol
{
    Tcp = 0,
    Udp = 1,
}
