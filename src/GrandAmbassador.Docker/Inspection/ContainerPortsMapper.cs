using System.Collections.Immutable;
using System.Globalization;
using Docker.DotNet.Models;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>Merges a container's exposed ports (<c>Config.ExposedPorts</c>) with where they are published (<c>NetworkSettings.Ports</c>).</summary>
internal static class ContainerPortsMapper
{
    public static ImmutableArray<ExposedPort> ToExposedPorts(
        IDictionary<string, EmptyStruct>? exposed,
        IDictionary<string, IList<PortBinding>>? published)
    {
        // A port can be published without being exposed (-p without EXPOSE) and exposed without
        // being published: the union of both keys, each with its bindings.
        var keys = new SortedSet<(int Port, PortProtocol Protocol)>();
        foreach (var key in (exposed?.Keys ?? []).Concat(published?.Keys ?? []))
        {
            if (TryParseKey(key, out var port))
            {
                keys.Add(port);
            }
        }

        var ports = ImmutableArray.CreateBuilder<ExposedPort>(keys.Count);
        foreach (var (port, protocol) in keys)
        {
            var bindings = published?.TryGetValue(Key(port, protocol), out var list) == true ? list : null;
            ports.Add(new ExposedPort(port, protocol, Bindings(bindings)));
        }

        return ports.MoveToImmutable();
    }

    // "6379/tcp", "5353/udp"; Docker also allows "6379" (tcp) and sctp, which a TCP/UDP proxy cannot serve.
    internal static bool TryParseKey(string key, out (int Port, PortProtocol Protocol) port)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var number = slash < 0 ? key : key[..slash];
        var protocol = slash < 0 ? "tcp" : key[(slash + 1)..];
        port = default;
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 65535)
        {
            return false;
        }

        switch (protocol)
        {
            case "tcp":
                port = (value, PortProtocol.Tcp);
                return true;
            case "udp":
                port = (value, PortProtocol.Udp);
                return true;
            default:
                return false;
        }
    }

    private static string Key(int port, PortProtocol protocol) =>
        string.Create(CultureInfo.InvariantCulture, $"{port}/{(protocol == PortProtocol.Tcp ? "tcp" : "udp")}");

    private static ImmutableArray<PublishedPort> Bindings(IList<PortBinding>? bindings)
    {
        if (bindings is null)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<PublishedPort>(bindings.Count);
        foreach (var binding in bindings)
        {
            if (int.TryParse(binding.HostPort, NumberStyles.None, CultureInfo.InvariantCulture, out var hostPort))
            {
                result.Add(new PublishedPort(string.IsNullOrEmpty(binding.HostIP) ? "0.0.0.0" : binding.HostIP, hostPort));
            }
        }

        return result.ToImmutable();
    }
}
