using System.Threading.Channels;
using GrandAmbassador.Agent;
using GrandAmbassador.Cluster;
using GrandAmbassador.Docker;
using GrandAmbassador.Docker.Watching;
using GrandAmbassador.Host.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static GrandAmbassador.Host.Tests.Fakes.Containers;

namespace GrandAmbassador.Host.Tests.Agent;

public sealed class ReportAgainOnClusterChangeTests
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ChangesDuringARefresh_AreNotLost_OneMoreRefreshFollows()
    {
        var grains = new FakeGrainFactory();
        var known = new KnownContainers();
        var sink = new GrainEndpointSink(grains, new FakeLocalSiloDetails(), known, Options.Create(new DockerAgentOptions { HostId = HostId }), TimeProvider.System, NullLogger<GrainEndpointSink>.Instance);
        var (all, gone) = known.Reconciled([Running("c1", 1, "web")]);
        await sink.ReconcileAsync(all, gone, 2, CancellationToken.None); // the first list: reports and the host's heartbeat

        // From now on every report is held open until the test lets it finish: a refresh in progress.
        var reports = Channel.CreateUnbounded<TaskCompletionSource>();
        grains.OnCall = call =>
        {
            if (call.Method != "Report")
            {
                return Task.CompletedTask;
            }

            var report = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            reports.Writer.TryWrite(report);
            return report.Task;
        };
        var changes = new ClusterChanges();
        using var service = new ReportAgainOnClusterChange(changes, sink);
        await service.StartAsync(CancellationToken.None);
        try
        {
            changes.Signal();
            var first = await reports.Reader.ReadAsync().AsTask().WaitAsync(Hang);

            // Two more silos die while the grains are being refilled: they may have taken more grains along.
            changes.Signal();
            changes.Signal();
            first.SetResult();

            var second = await reports.Reader.ReadAsync().AsTask().WaitAsync(Hang);
            second.SetResult();
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }
}
