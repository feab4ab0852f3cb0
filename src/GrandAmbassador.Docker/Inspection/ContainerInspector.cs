using Docker.DotNet;
using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>Reads containers from the engine as <see cref="ContainerEndpoint"/>s.</summary>
internal sealed class ContainerInspector(HostIdentity host)
{
    /// <summary>The container's current state, or <c>null</c> when it no longer exists.</summary>
    public async Task<ContainerEndpoint?> InspectAsync(IDockerClient client, string containerId, CancellationToken ct)
    {
        try
        {
            var response = await client.Containers.InspectContainerAsync(containerId, ct).ConfigureAwait(false);
            return ContainerEndpointMapper.ToEndpoint(response, host);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every container on the engine, running or not; those removed between list and inspect are left out.</summary>
    public async Task<IReadOnlyList<ContainerEndpoint>> ListAsync(IDockerClient client, CancellationToken ct)
    {
        var containers = await client.Containers
            .ListContainersAsync(new() { All = true }, ct)
            .ConfigureAwait(false);
        var endpoints = new List<ContainerEndpoint>(containers.Count);
        foreach (var container in containers)
        {
            if (await InspectAsync(client, container.ID, ct).ConfigureAwait(false) is { } endpoint)
            {
                endpoints.Add(endpoint);
            }
        }

        return endpoints;
    }
}
