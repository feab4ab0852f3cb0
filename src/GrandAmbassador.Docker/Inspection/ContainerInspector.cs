using Docker.DotNet;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>Reads containers from the engine as <see cref="InspectedContainer"/>s.</summary>
/// <param name="answersTo">When given, a list inspects only the containers for which it is true of one of
/// the names the container answers to (its name, its <c>grand-ambassador.name</c> label); null: all.</param>
internal sealed class ContainerInspector(HostIdentity host, Func<string, bool>? answersTo = null)
{
    /// <summary>The container's current state, or <c>null</c> when it no longer exists.</summary>
    public async Task<InspectedContainer?> InspectAsync(IDockerClient client, string containerId, CancellationToken ct)
    {
        try
        {
            var response = await client.Containers.InspectContainerAsync(containerId, ct).ConfigureAwait(false);
            return new InspectedContainer(
                ContainerEndpointMapper.ToEndpoint(response, host),
                StopSignals.Parse(response.Config?.StopSignal) ?? StopSignals.Terminate,
                response.Config?.StopTimeout ?? StopSignals.DefaultStopTimeout);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        catch (DockerApiException exception) when (IsPodmanNoSuchContainer(exception))
        {
            return null;
        }
    }

    // Podman answers 500 {"cause":"no such container"} (not 404) for a container removed while it
    // was being inspected: that is the container gone, not the engine failing.
    internal static bool IsPodmanNoSuchContainer(DockerApiException exception) =>
        exception.StatusCode == System.Net.HttpStatusCode.InternalServerError
        && exception.ResponseBody?.Contains("\"cause\":\"no such container\"", StringComparison.Ordinal) == true;

    /// <summary>
    /// Every container on the engine, running or not, as its list entry: one engine call, whatever the
    /// number of containers. The caller inspects those it needs (<see cref="InspectAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<ListedContainer>> ListAsync(IDockerClient client, CancellationToken ct)
    {
        var containers = await client.Containers
            .ListContainersAsync(new() { All = true }, ct)
            .ConfigureAwait(false);
        return [.. containers.Where(Wanted).Select(ListedContainer.From)];
    }

    private bool Wanted(global::Docker.DotNet.Models.ContainerListResponse container) =>
        answersTo is null
        || (container.Names ?? []).Select(name => name.TrimStart('/'))
            .SelectMany(name => ContainerEndpointMapper.ServiceNames(name, container.Labels))
            .Any(answersTo);
}
