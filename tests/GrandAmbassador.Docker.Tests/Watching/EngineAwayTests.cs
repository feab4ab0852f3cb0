using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker.Tests.Lab;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Testing;
using Microsoft.Extensions.Time.Testing;

namespace GrandAmbassador.Docker.Tests.Watching;

/// <summary>Unit tests of what the agent does while its engine is away (fake clock, no engine).</summary>
public sealed class EngineAwayTests
{
    private const int StaleDroppedEventId = 2010;

    private readonly FakeTimeProvider _time = new();
    private readonly RecordingEndpointSink _sink = new();
    private readonly RecordingLogger<EngineAway> _logger = new();
    private readonly KnownContainers _known = new();
    private readonly DockerAgentOptions _options = new()
    {
        ReconcileInterval = TimeSpan.FromSeconds(10),
        StaleEndpointLifetime = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public async Task EngineAway_KeepsRenewingWhatItLastSaw_FlaggedStale_UpToTheBound_NeverRemovingAnything()
    {
        var running = Endpoint("c1");
        _known.Reconciled([running]);
        var away = new EngineAway(_sink, _known, new AgentSequence(_time), _time, _options, _logger);

        await away.RenewAsync(CancellationToken.None);
        await away.RenewAsync(CancellationToken.None); // within the interval: nothing more
        var first = Assert.Single(_sink.Calls);
        var stale = Assert.Single(((SinkCall.Reconcile)first).All);
        Assert.True(stale.Stale);
        Assert.Equal(running.RunId, stale.RunId);
        Assert.True(stale.AcceptsTraffic);
        // Nothing is gone while the engine is away; the memory holds what the sink was told, stale flag and all.
        Assert.Empty(((SinkCall.Reconcile)first).Gone);
        Assert.Equal(running, Assert.Single(((SinkCall.Reconcile)first).Reports).Previous);
        Assert.Equal(stale, _known.Find("c1"));

        for (var elapsed = TimeSpan.FromSeconds(10); elapsed < _options.StaleEndpointLifetime; elapsed += TimeSpan.FromSeconds(10))
        {
            _time.Advance(TimeSpan.FromSeconds(10));
            await away.RenewAsync(CancellationToken.None);
        }

        Assert.Equal(30, _sink.Calls.Count);
        _time.Advance(TimeSpan.FromSeconds(10));
        await away.RenewAsync(CancellationToken.None);
        Assert.Equal(30, _sink.Calls.Count);
        await _logger.WaitForAsync(StaleDroppedEventId);
        Assert.All(_sink.Calls, call => Assert.Equal("c1", Assert.Single(((SinkCall.Reconcile)call).All).ContainerId));
    }

    [Fact]
    public async Task EngineBack_ThenAwayAgain_RenewsAtOnce()
    {
        _known.Reconciled([Endpoint("c1")]);
        var away = new EngineAway(_sink, _known, new AgentSequence(_time), _time, _options, _logger);
        await away.RenewAsync(CancellationToken.None);

        away.Back();
        await away.RenewAsync(CancellationToken.None);

        Assert.Equal(2, _sink.Calls.Count);
    }

    private static ContainerEndpoint Endpoint(string id) =>
        new("host-a", id, id, [id], [new NetworkAddress("bridge", "172.17.0.2", 16, null)], [new ExposedPort(80, PortProtocol.Tcp, [])],
            ContainerHealth.None, Running: true, DateTimeOffset.UnixEpoch, "192.0.2.10", HostNetwork: false, Sequence: 1);
}
