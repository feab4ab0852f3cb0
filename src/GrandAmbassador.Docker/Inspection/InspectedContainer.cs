using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.Docker.Inspection;

/// <summary>A container as inspect shows it: its endpoint, and how Docker stops it.</summary>
/// <param name="Endpoint">What the agent reports.</param>
/// <param name="StopSignal">The signal number <c>docker stop</c> sends it (<c>Config.StopSignal</c>, default SIGTERM).</param>
/// <param name="StopTimeout">How long <c>docker stop</c> waits before SIGKILL (<c>Config.StopTimeout</c>, default 10 s).</param>
internal sealed record InspectedContainer(ContainerEndpoint Endpoint, int StopSignal, TimeSpan StopTimeout);
