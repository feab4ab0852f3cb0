using System.Globalization;
using Docker.DotNet.Models;

namespace GrandAmbassador.Docker.Connection;

/// <summary>
/// What the engine said at <c>/version</c> (asked on the unversioned path, which every engine
/// answers): which API version to talk, and whether it is Podman's Docker-compatible service.
/// </summary>
internal sealed record EngineVersion(string Product, string Version, System.Version? ApiVersion, string? MinApiVersion)
{
    private const string PodmanComponent = "Podman Engine";

    public bool IsPodman => Product == "Podman";

    /// <summary>
    /// The engine's own API version: the newest it speaks, never one below its minimum (Docker 29
    /// refuses anything under 1.44). <c>null</c> (talk unversioned, which is the engine's own
    /// version too) when it gave none the client can read.
    /// </summary>
    public static EngineVersion From(VersionResponse response)
    {
        var podman = response.Components?.Any(c => c.Name == PodmanComponent) == true;
        var api = System.Version.TryParse(response.APIVersion, out var parsed) ? parsed : null;
        return new EngineVersion(podman ? "Podman" : "Docker", response.Version ?? "unknown", api, NullIfEmpty(response.MinAPIVersion));
    }

    public string ApiText => ApiVersion?.ToString() ?? "unversioned";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Product} {Version}");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
