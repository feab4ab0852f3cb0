using GrandAmbassador.Docker.Common;
using GrandAmbassador.Docker.Connection;
using GrandAmbassador.Docker.Inspection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// The agent: watches this host's Docker engine and reports every container's endpoint to the
/// sink. Reconnects with backoff whenever the engine or its event stream goes away, and never
/// stops before the host does. While the engine is away it keeps the containers it last saw
/// routable, flagged stale, for <see cref="DockerAgentOptions.StaleEndpointLifetime"/>. What it
/// reported is the one <see cref="KnownContainers"/> (a singleton): the host's sink reads that same memory.
/// </summary>
internal sealed class DockerAgent(
    DockerClientFactory clientFactory,
    IContainerEndpointSink sink,
    KnownContainers known,
    IOptions<DockerAgentOptions> options,
    TimeProvider timeProvider,
    DockerAgentState state,
    ContainerDrains drains,
    LocalContainerView view,
    ILogger<DockerAgent> logger) : BackgroundService
{
    private readonly HostIdentity _host = AdvertiseAddressResolver.Identify(
        options.Value.HostId,
        options.Value.AdvertiseAddress) with { RelayPort = options.Value.RelayPort };

    private readonly AgentSequence _sequence = new(timeProvider);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var value = options.Value;
        var backoff = new ReconnectBackoff(value.ReconnectMinDelay, value.ReconnectMaxDelay);
        var inspector = new ContainerInspector(_host);
        var away = new EngineAway(sink, known, _sequence, timeProvider, value, logger);
        drains.Attach(_host.HostId, known);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Talk at the engine's own API version (asked at /version each time: the engine
                // may have been upgraded while away), and read only what every version has.
                var engine = await clientFactory.NegotiateAsync(stoppingToken).ConfigureAwait(false);
                using var client = clientFactory.Create(engine.ApiVersion);
                var session = new DockerAgentSession(client, inspector, sink, _sequence, known, drains.Drained, timeProvider, value.ReconcileInterval, value.FullSweepInterval, logger);
                drains.SessionStarted(session);
                await session.RunAsync(
                    info =>
                    {
                        backoff.Reset();
                        away.Back();
                        state.Connected = true;
                        view.Attach(known);
                        DockerAgentLog.Connected(logger, info.ServerVersion, clientFactory.Endpoint, _host.HostId, _host.AdvertiseAddress);
                        DockerAgentLog.Negotiated(logger, engine.ToString(), engine.ApiText, engine.MinApiVersion ?? "not said");
                        EngineDifferences.Report(engine, value.ReconcileInterval, logger);
                    },
                    stoppingToken).ConfigureAwait(false);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                drains.SessionStarted(null);
                state.Connected = false;
                var delay = backoff.Next();
                // One line per retry; the stack trace only at Debug, since "engine down" is expected.
                DockerAgentLog.EngineUnavailable(logger, clientFactory.Endpoint, Describe(exception), delay.TotalSeconds);
                DockerAgentLog.FailureDetail(logger, exception);
                try
                {
                    await away.WaitAsync(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return ReferenceEquals(innermost, exception)
            ? exception.Message
            : $"{exception.Message} ({innermost.Message})";
    }
}
