using System.Globalization;
using Docker.DotNet.Models;

namespace GrandAmbassador.Bench.Scale.Engine;

/// <summary>
/// What a simulated engine says of one container, shaped as a real one's inspect: a name, a network address, one
/// exposed port published on the host, compose labels. Its size is what makes the reports' bytes realistic.
/// </summary>
internal static class FakeContainer
{
    public const int Port = 8080;

    /// <summary>The <paramref name="run"/>-th run of the container: each run starts later and gets another address.</summary>
    public static ContainerInspectResponse Inspect(string id, string name, int host, int index, int run)
    {
        var address = string.Create(CultureInfo.InvariantCulture, $"172.{16 + (run % 16)}.{index / 250}.{(index % 250) + 2}");
        return new ContainerInspectResponse
        {
            ID = id,
            Name = "/" + name,
            State = new State
            {
                Status = "running",
                Running = true,
                StartedAt = DateTimeOffset.UnixEpoch.AddYears(56).AddSeconds(run).ToString("O", CultureInfo.InvariantCulture),
            },
            Config = new ContainerConfig
            {
                Labels = new Dictionary<string, string>
                {
                    ["com.docker.compose.project"] = "app",
                    ["com.docker.compose.service"] = name,
                    ["com.docker.compose.container-number"] = "1",
                },
                ExposedPorts = new Dictionary<string, EmptyStruct> { [Key] = default },
            },
            HostConfig = new HostConfig { NetworkMode = "app_default" },
            NetworkSettings = new NetworkSettings
            {
                Networks = new Dictionary<string, EndpointSettings>
                {
                    ["app_default"] = new() { IPAddress = address, IPPrefixLen = 16, Gateway = "172.16.0.1" },
                },
                Ports = new Dictionary<string, IList<PortBinding>>
                {
                    [Key] = [new PortBinding { HostIP = "0.0.0.0", HostPort = (20_000 + index).ToString(CultureInfo.InvariantCulture) }],
                },
            },
        };
    }

    /// <summary>A 64-hex-digit id, as Docker's, unique per host and container.</summary>
    public static string Id(int host, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{host:x8}{index:x8}").PadRight(64, 'c');

    private static string Key => string.Create(CultureInfo.InvariantCulture, $"{Port}/tcp");
}
