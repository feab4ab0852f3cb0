using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.Hosting;

/// <summary>
/// The control-plane host's lifetime: no console or signal handling of its own. SIGTERM belongs to the
/// supervisor, which drains the data plane; a generation stops when the supervisor says so.
/// </summary>
internal sealed class SupervisedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
