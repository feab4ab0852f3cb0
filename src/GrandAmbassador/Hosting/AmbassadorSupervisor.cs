using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Docker.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Hosting;

/// <summary>
/// Runs the control plane over the life of the process, one generation at a time, while the data plane
/// (the proxies) serves throughout. A silo the cluster declared dead is stopped and a new one rejoins;
/// a generation that cannot start (Redis unreachable) is retried with backoff; a stop request ends
/// the last generation; a faulted one ends the process with a non-zero exit code.
/// </summary>
internal sealed class AmbassadorSupervisor(
    AmbassadorSettings settings,
    DataPlaneServices dataPlane,
    Func<ControlPlaneContext, IHost> buildControlPlane)
{
    public const int Faulted = 1;
    private static readonly TimeSpan StopGuard = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger = dataPlane.LoggerFactory.CreateLogger<AmbassadorSupervisor>();
    private IHost? _current;

    /// <summary>The running control-plane generation's host; null between generations.</summary>
    public IHost? ControlPlane => Volatile.Read(ref _current);

    /// <summary>Completes once the first generation has started (or the supervisor gave up).</summary>
    public Task Started => _started.Task;

    /// <summary>Ends the current generation and <see cref="RunAsync"/> (SIGTERM).</summary>
    public void Stop() => _stop.Cancel();

    /// <returns>The process's exit code: 0 after a stop request, <see cref="Faulted"/> after a fault.</returns>
    public async Task<int> RunAsync()
    {
        // Jittered: when Redis comes back, every host of the cluster is retrying at once.
        var startBackoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), jitter: 0.5);
        SiloAddress? previous = null;
        try
        {
            for (var number = 1; !_stop.IsCancellationRequested; number++)
            {
                var generation = new ControlPlaneGeneration(number);
                using var host = buildControlPlane(new ControlPlaneContext(settings, dataPlane, generation));
                try
                {
                    if (!await TryStartAsync(host, startBackoff).ConfigureAwait(false))
                    {
                        continue;
                    }

                    startBackoff.Reset();
                    var silo = host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
                    if (previous is not null)
                    {
                        HostingLog.Rejoined(_logger, previous.ToString(), silo.ToString(), number);
                    }

                    Volatile.Write(ref _current, host);
                    _started.TrySetResult();
                    switch (await WaitForEndAsync(host, generation).ConfigureAwait(false))
                    {
                        case GenerationEnd.SiloDeclaredDead:
                            previous = silo;
                            HostingLog.Restarting(_logger, silo.ToString());
                            break;
                        case GenerationEnd.Faulted:
                            HostingLog.ControlPlaneFaulted(_logger);
                            return Faulted;
                        default:
                            return 0;
                    }
                }
                finally
                {
                    Volatile.Write(ref _current, null);
                    await StopQuietlyAsync(host).ConfigureAwait(false);
                }
            }

            return 0;
        }
        finally
        {
            _started.TrySetResult();
        }
    }

    /// <summary>Starts a generation; a failure that is not the user's bad input is one line and a retry after backoff.</summary>
    private async Task<bool> TryStartAsync(IHost host, ReconnectBackoff backoff)
    {
        try
        {
            using (dataPlane.StartupQuiet.Begin())
            {
                await host.StartAsync(_stop.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception exception) when (exception is not InvalidSettingException)
        {
            var delay = backoff.Next();
            HostingLog.StartFailed(_logger, Where(), FirstLine(exception), delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, dataPlane.Time, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return false;
        }
    }

    private async Task<GenerationEnd> WaitForEndAsync(IHost host, ControlPlaneGeneration generation)
    {
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStopping = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        using var onStop = _stop.Token.Register(() => stopping.TrySetResult());
        var ended = await Task.WhenAny(generation.DeclaredDead, stopping.Task).ConfigureAwait(false);
        return _stop.IsCancellationRequested ? GenerationEnd.StopRequested
            : ended == generation.DeclaredDead ? GenerationEnd.SiloDeclaredDead
            : GenerationEnd.Faulted;
    }

    private async Task StopQuietlyAsync(IHost host)
    {
        using var guard = new CancellationTokenSource(StopGuard);
        try
        {
            await host.StopAsync(guard.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // A dead silo's graceful stop fails in many ways (it may no longer reach the cluster); the
            // next generation starts regardless.
            HostingLog.StopFailed(_logger, FirstLine(exception));
        }
    }

    private string Where() =>
        settings.Cluster is { } redis ? $"cluster {settings.ClusterId} via Redis at {redis.Host}:{redis.Port}" : "single host";

    private static string FirstLine(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        var message = ReferenceEquals(innermost, exception) ? exception.Message : $"{exception.Message} ({innermost.Message})";
        // One short line: StackExchange.Redis appends a page of connection diagnostics after " - ".
        var line = message.Split('\n')[0].Split(" - ")[0].Trim();
        return line.Length <= 240 ? line : line[..240] + "…";
    }
}
