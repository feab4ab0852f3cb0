using System.Net.Sockets;
using System.Text.Json;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Inspection;

namespace GrandAmbassador.LocalEngine;

/// <summary>
/// The ports a running container exposes, asked of the engine's Unix socket with the framework's own
/// HTTP client and JSON reader: these are ahead-of-time compiled, so the answer comes in milliseconds at
/// process start, while the Docker client's first call waits for the JIT (~0.5 s here). Unversioned
/// path (the engine's own API version) and only fields every version has.
/// </summary>
internal static class ExposedPortsPeek
{
    /// <summary>The ports, or empty when the container is not running, does not exist or the engine cannot be asked.</summary>
    public static async Task<IReadOnlyList<(int Port, PortProtocol Protocol)>> ReadAsync(
        HttpClient engine, string container, CancellationToken cancellationToken)
    {
        using var response = await engine.GetAsync($"/containers/{Uri.EscapeDataString(container)}/json", cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return [];
        }

        using var json = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var root = json.RootElement;
        if (!(root.TryGetProperty("State", out var state) && state.TryGetProperty("Running", out var running) && running.ValueKind == JsonValueKind.True))
        {
            return [];
        }

        var keys = Keys(root, "Config", "ExposedPorts").Concat(Keys(root, "NetworkSettings", "Ports"));
        var ports = new SortedSet<(int Port, PortProtocol Protocol)>();
        foreach (var key in keys)
        {
            if (ContainerPortsMapper.TryParseKey(key, out var port))
            {
                ports.Add(port);
            }
        }

        return [.. ports];
    }

    /// <summary>An HTTP client for a <c>unix://</c> engine endpoint; null for any other (TCP engines are left to the agent).</summary>
    public static HttpClient? ClientFor(Uri endpoint)
    {
        if (endpoint.Scheme != "unix")
        {
            return null;
        }

        var path = endpoint.LocalPath;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = new Uri("http://engine"), Timeout = TimeSpan.FromSeconds(2) };
    }

    private static IEnumerable<string> Keys(JsonElement root, string section, string property) =>
        root.TryGetProperty(section, out var parent)
        && parent.ValueKind == JsonValueKind.Object
        && parent.TryGetProperty(property, out var map)
        && map.ValueKind == JsonValueKind.Object
            ? map.EnumerateObject().Select(entry => entry.Name).ToList()
            : [];
}
