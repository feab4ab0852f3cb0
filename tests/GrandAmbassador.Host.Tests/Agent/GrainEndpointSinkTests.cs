using GrandAmbassador.Agent;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Host.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static GrandAmbassador.Host.Tests.Fakes.Containers;

namespace GrandAmbassador.Host.Tests.Agent;

/// <summary>What the agent's reports become as grain calls (unit tests, fake grains).</summary>
public sealed class GrainEndpointSinkTests
{
    private readonly FakeGrainFactory _grains = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly FakeLogger<GrainEndpointSink> _logger = new();
    // The agent's memory of what it reported: the test writes it as the agent does, before each sink call.
    private readonly KnownContainers _known = new();
    private readonly GrainEndpointSink _sink;

    public GrainEndpointSinkTests() =>
        _sink = new GrainEndpointSink(_grains, new FakeLocalSiloDetails(), _known, Options.Create(new DockerAgentOptions { HostId = HostId }), _time, _logger);

    [Fact]
    public async Task RenamedContainer_LeavesItsOldName_AndIsReportedUnderItsNewOnes()
    {
        await ReportAsync(Running("c1", 1, "web"));
        _grains.Calls.Clear();

        await ReportAsync(Running("c1", 2, "www", "web-2"));

        Assert.Equal([new FakeGrainCall("web", "Remove", "c1", 2)], _grains.Where("Remove"));
        Assert.Equal(
            [new FakeGrainCall("web-2", "Report", "c1", 2), new FakeGrainCall("www", "Report", "c1", 2)],
            _grains.Where("Report").OrderBy(call => call.Grain, StringComparer.Ordinal));
        Assert.Single(_grains.Where("Register")); // new names: the directory hears of them
    }

    [Fact]
    public async Task RefreshAsync_ReportsEveryContainerAgain_EachWithItsOwnSequence_AndRemovesNothing()
    {
        await HeartbeatAsync();
        await ReportAsync(Running("c1", 3, "web"));
        await ReportAsync(Running("c2", 7, "web", "api"));
        await ReportAsync(Running("c3", 8, "db"));
        await RemoveAsync("c3", 9);
        _grains.Calls.Clear();

        await _sink.RefreshAsync(CancellationToken.None);

        Assert.Equal(
            [new FakeGrainCall("api", "Report", "c2", 7), new FakeGrainCall("web", "Report", "c1", 3), new FakeGrainCall("web", "Report", "c2", 7)],
            _grains.Where("Report").OrderBy(call => call.Grain, StringComparer.Ordinal).ThenBy(call => call.ContainerId, StringComparer.Ordinal));
        Assert.Empty(_grains.Where("Remove"));
        Assert.Single(_grains.Where("Register"));
    }

    [Fact]
    public async Task ContainerRemovedDuringARefresh_IsNotReportedAgainAfterItsRemoval()
    {
        await HeartbeatAsync();
        await ReportAsync(Running("c1", 1, "web"));
        await ReportAsync(Running("c2", 2, "web"));
        _grains.Calls.Clear();

        // While the refresh sends its first report, the agent learns that the other container was destroyed.
        string? removed = null;
        _grains.OnCall = call =>
        {
            if (removed is null && call.Method == "Report")
            {
                removed = call.ContainerId == "c1" ? "c2" : "c1";
                return RemoveAsync(removed, 3);
            }

            return Task.CompletedTask;
        };
        await _sink.RefreshAsync(CancellationToken.None);

        // A grain that came back empty (why there is a refresh) would take a later report for new: the
        // removed container must not follow its removal.
        var calls = _grains.Calls.ToList();
        var removal = calls.IndexOf(new FakeGrainCall("web", "Remove", removed, 3));
        Assert.True(removal >= 0);
        Assert.DoesNotContain(calls.Skip(removal), call => call.Method == "Report" && call.ContainerId == removed);

        // Nor does the sink remember it: the next refresh reports only the one still there.
        _grains.Calls.Clear();
        await _sink.RefreshAsync(CancellationToken.None);
        Assert.DoesNotContain(_grains.Calls, call => call.ContainerId == removed);
    }

    [Fact]
    public async Task FailedGrainCall_IsLoggedAndNotThrown_AndTheOtherNamesAreStillReported()
    {
        _grains.OnCall = call => call.Grain == "web" ? Task.FromException(new TimeoutException("the grain's silo is gone")) : Task.CompletedTask;

        await ReportAsync(Running("c1", 1, "web", "api"));

        Assert.Contains(new FakeGrainCall("api", "Report", "c1", 1), _grains.Calls);
        var warning = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Id.Id == 4001);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.IsType<TimeoutException>(warning.Exception);
        Assert.Contains("web", warning.Message);
    }

    [Fact]
    public async Task Reconcile_RemovesWhatTheListNoLongerHas_AndRegistersEveryName()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "api"));
        _grains.Calls.Clear();

        await ReconcileAsync(20, Running("c1", 11, "web", "www"));

        Assert.Equal([new FakeGrainCall("api", "Remove", "c2", 20)], _grains.Where("Remove"));
        Assert.Equal(
            [new FakeGrainCall("web", "Report", "c1", 11), new FakeGrainCall("www", "Report", "c1", 11)],
            _grains.Where("Report").OrderBy(call => call.Grain, StringComparer.Ordinal));
        Assert.Single(_grains.Where("Register"));
        Assert.Equal(["web", "www"], RegisteredNames());
    }

    [Fact]
    public async Task AfterAReconcileDroppedAContainer_AClusterChangeRefresh_ReportsOnlyWhatTheAgentRemembers()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "web", "api"));
        await ReconcileAsync(20, Running("c1", 11, "web"));
        _grains.Calls.Clear();

        // The agent remembers one more, not yet sent (its report is on its way, beside the refresh):
        // the refresh reads the agent's memory as it is now, and nothing else.
        _known.Reported(Running("c3", 21, "db"));
        await _sink.RefreshAsync(CancellationToken.None);

        Assert.Equal(
            [new FakeGrainCall("db", "Report", "c3", 21), new FakeGrainCall("web", "Report", "c1", 11)],
            _grains.Where("Report").OrderBy(call => call.Grain, StringComparer.Ordinal));
        Assert.DoesNotContain(_grains.Calls, call => call.ContainerId == "c2");
        Assert.Equal(["db", "web"], RegisteredNames());
    }

    [Fact]
    public async Task Reconcile_AtRest_SendsOnlyTheHostsHeartbeat()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "web", "api"));
        _grains.Calls.Clear();

        // The same containers seen again: new sequence numbers, nothing else new.
        await ReconcileAsync(20, Running("c1", 11, "web"), Running("c2", 12, "web", "api"));

        var heartbeat = Assert.Single(_grains.Calls);
        Assert.Equal((HostId, "RenewLease"), (heartbeat.Grain, heartbeat.Method));
        var lease = (HostLease)heartbeat.Argument!;
        Assert.Equal(["api", "web"], lease.Names);
        Assert.Equal(TimeSpan.FromSeconds(30), lease.Duration); // three reconcile intervals
    }

    [Fact]
    public async Task Reconcile_SendsAChangedContainer_AndNotTheUnchangedOnes()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "web"));
        _grains.Calls.Clear();

        await ReconcileAsync(20, Running("c1", 11, "web"), Running("c2", 12, "web") with { Running = false });

        Assert.Equal([new FakeGrainCall("web", "Report", "c2", 12)], _grains.Where("Report"));
    }

    [Fact]
    public async Task AReportAGrainDidNotTake_IsSentAgainAtTheNextReconcile_ThoughNothingChanged()
    {
        _grains.OnCall = call => call.Method == "Report" ? Task.FromException(new TimeoutException("the grain's silo is gone")) : Task.CompletedTask;
        await ReconcileAsync(10, Running("c1", 1, "web"));
        _grains.OnCall = _ => Task.CompletedTask;
        _grains.Calls.Clear();

        await ReconcileAsync(20, Running("c1", 11, "web"));
        Assert.Equal([new FakeGrainCall("web", "Report", "c1", 11)], _grains.Where("Report"));

        // Taken this time: not sent again.
        _grains.Calls.Clear();
        await ReconcileAsync(30, Running("c1", 21, "web"));
        Assert.Empty(_grains.Where("Report"));
    }

    [Fact]
    public async Task ARemovalAGrainDidNotTake_IsSentAgainAtTheNextReconcile()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "web"));
        _grains.OnCall = call => call.Method == "Remove" ? Task.FromException(new TimeoutException("the grain's silo is gone")) : Task.CompletedTask;
        await ReconcileAsync(20, Running("c1", 11, "web"));
        _grains.OnCall = _ => Task.CompletedTask;
        _grains.Calls.Clear();

        await ReconcileAsync(30, Running("c1", 21, "web"));
        Assert.Equal([new FakeGrainCall("web", "Remove", "c2", 20)], _grains.Where("Remove"));

        _grains.Calls.Clear();
        await ReconcileAsync(40, Running("c1", 31, "web"));
        Assert.Empty(_grains.Where("Remove"));
    }

    [Fact]
    public async Task EveryContainer_IsSentAgain_OnceTheResendIntervalHasPassed()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"), Running("c2", 2, "api"));
        _grains.Calls.Clear();

        _time.Advance(GrainEndpointSink.ResendInterval);
        await ReconcileAsync(20, Running("c1", 11, "web"), Running("c2", 12, "api"));

        Assert.Equal(
            [new FakeGrainCall("api", "Report", "c2", 12), new FakeGrainCall("web", "Report", "c1", 11)],
            _grains.Where("Report").OrderBy(call => call.Grain, StringComparer.Ordinal));
    }

    [Fact]
    public async Task TheDirectory_HearsTheNamesWhenTheyChange_AndOtherwiseOnlyEveryRenewal()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"));
        Assert.Equal(["web"], RegisteredNames());
        _grains.Calls.Clear();

        await ReconcileAsync(20, Running("c1", 11, "web"));
        Assert.Empty(_grains.Where("Register"));

        await ReconcileAsync(30, Running("c1", 21, "web"), Running("c2", 22, "api"));
        Assert.Equal(["api", "web"], RegisteredNames());
        _grains.Calls.Clear();

        _time.Advance(GrainEndpointSink.DirectoryRenewal);
        await ReconcileAsync(40, Running("c1", 31, "web"), Running("c2", 32, "api"));
        Assert.Single(_grains.Where("Register"));
    }

    [Fact]
    public async Task AClusterChangeRefresh_SendsNothing_OnceTheHostsHeartbeatHasStopped()
    {
        await ReconcileAsync(10, Running("c1", 1, "web"));
        _grains.Calls.Clear();

        // The engine has been away longer than the agent keeps stale endpoints: no heartbeat for more than a lease.
        _time.Advance(TimeSpan.FromSeconds(31));
        await _sink.RefreshAsync(CancellationToken.None);

        Assert.Empty(_grains.Calls);
    }

    /// <summary>A reconcile that reports nothing: the host's heartbeat alone, as a session's first list would send.</summary>
    private Task HeartbeatAsync() => _sink.ReconcileAsync([], [], 0, CancellationToken.None);

    /// <summary>The names of this host's last registration with the directory.</summary>
    private string[] RegisteredNames() => [.. ((HostRegistration)_grains.Where("Register").Last().Argument!).Names];

    // As the agent does: its memory first, then the sink with what the memory said.
    private Task ReportAsync(ContainerEndpoint endpoint) => _sink.ReportAsync(_known.Reported(endpoint), CancellationToken.None);

    private Task RemoveAsync(string containerId, long sequence) => _sink.RemoveAsync(containerId, _known.Removed(containerId), sequence, CancellationToken.None);

    private Task ReconcileAsync(long sequence, params ContainerEndpoint[] all)
    {
        var (reports, gone) = _known.Reconciled(all);
        return _sink.ReconcileAsync(reports, gone, sequence, CancellationToken.None);
    }
}
