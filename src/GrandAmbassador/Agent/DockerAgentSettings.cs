using GrandAmbassador.Configuration;
using GrandAmbassador.Docker;

namespace GrandAmbassador.Agent;

/// <summary>The agent's options from the command line and its environment: one place, for the agent and the local engine's seed.</summary>
internal static class DockerAgentSettings
{
    public static void Apply(DockerAgentOptions options, AmbassadorSettings settings)
    {
        options.Endpoint = settings.DockerEndpoint;
        options.HostId = settings.Host.HostId;
        options.AdvertiseAddress = settings.Host.AdvertiseAddress;
        options.RelayPort = settings.RunsRelay ? settings.HostRelay.Port : 0;
        options.TlsCertPath = settings.Environment.DockerCertPath;
        options.TlsVerify = settings.Environment.DockerTlsVerify;
    }
}
