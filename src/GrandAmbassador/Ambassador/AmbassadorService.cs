using System.Collections.Immutable;
using GrandAmbassador.Cluster;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Configuration;
using GrandAmbassador.Proxy.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Ambassador;

/// <summary>
/// Runs one <see cref="ServiceFollower"/> per fronted name: the command line's from the start, and
/// any added or removed at run time (<see cref="IFrontedNames"/>) until the process stops.
/// </summary>
internal sealed class AmbassadorService(
    IGrainFactory grains,
    IOptions<AmbassadorOptions> ambassadorOptions,
    IOptions<ProxyOptions> proxyOptions,
    IOptions<HostIdentityOptions> hostIdentity,
    ClusterChanges clusterChanges,
    AmbassadorMetrics metrics,
    TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService, IFrontedNames
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("GrandAmbassador.Ambassador");
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ImmutableSortedDictionary<string, Running> _running = ImmutableSortedDictionary.Create<string, Running>(StringComparer.Ordinal);

    public event Action? Changed;

    public IReadOnlyList<FrontedName> Current => [.. _running.Values.Select(running => running.Name)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var service in ambassadorOptions.Value.Services)
        {
            // A command-line port that cannot be bound stops start-up (exit 2), as before.
            await StartFollowerAsync(service, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<string?> TryAddAsync(FrontedService service, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopping.IsCancellationRequested)
            {
                return "the ambassador is stopping";
            }

            if (_running.ContainsKey(service.Name))
            {
                return $"{service.Name} is already fronted";
            }

            await StartFollowerAsync(service, cancellationToken).ConfigureAwait(false);
            AmbassadorLog.FrontedAtRunTime(_logger, service.Name);
            return null;
        }
        catch (StartupException exception)
        {
            return exception.Message;
        }
        finally
        {
            _changes.Release();
        }
    }

    public async Task<bool> RemoveAsync(string name, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_running.TryGetValue(name, out var running))
            {
                return false;
            }

            _running = _running.Remove(name);
            await running.StopAsync().ConfigureAwait(false);
            AmbassadorLog.UnfrontedAtRunTime(_logger, name);
        }
        finally
        {
            _changes.Release();
        }

        Changed?.Invoke();
        return true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            foreach (var running in _running.Values)
            {
                await running.StopAsync().ConfigureAwait(false);
            }

            _running = _running.Clear();
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Binds the name's explicit ports (throwing <see cref="StartupException"/> if one is taken), then follows it.</summary>
    private async Task StartFollowerAsync(FrontedService service, CancellationToken cancellationToken)
    {
        var proxy = new ServiceProxy(service.Name, proxyOptions, loggerFactory, time);
        var follower = new ServiceFollower(
            service, proxy, grains, hostIdentity.Value.HostId, ambassadorOptions.Value, proxyOptions.Value.ConnectWait,
            clusterChanges, time, _logger, metrics, () => Changed?.Invoke());
        try
        {
            await follower.BindExplicitPortsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await follower.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        var run = Task.Run(() => follower.RunAsync(stop.Token), CancellationToken.None);
        _running = _running.Add(service.Name, new Running(new FrontedName(service, proxy, follower), stop, run));
        Changed?.Invoke();
    }

    private sealed record Running(FrontedName Name, CancellationTokenSource Stop, Task Run)
    {
        public async Task StopAsync()
        {
            await Stop.CancelAsync().ConfigureAwait(false);
            await Run.ConfigureAwait(false);
            await Name.Follower.DisposeAsync().ConfigureAwait(false);
            Stop.Dispose();
        }
    }
}
