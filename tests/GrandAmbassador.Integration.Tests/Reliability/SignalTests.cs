using System.Diagnostics;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Xunit.Abstractions;
using static GrandAmbassador.Integration.Tests.Harness.RunningAmbassador;

namespace GrandAmbassador.Integration.Tests.Reliability;

/// <summary>
/// Issue 7, signals: only a container's own stop signal means it is going away. A HUP (an nginx
/// reload, a log reopen) or a USR1 to the only replica must not hold new connections.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class SignalTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>A new connection answered later than this was held, not served at once (the hold lasts --wait, 30 s).</summary>
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    private readonly DockerScope _docker = new("ga-reliab");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Theory]
    [InlineData("HUP")]
    [InlineData("USR1")]
    public async Task SignalThatIsNotTheStopSignal_ToTheOnlyReplica_NewConnectionsAreStillServedAtOnce(string signal)
    {
        var port = FreePort.Next();
        var name = _docker.Name("signalled");
        // httpd is the container's init: it survives a HUP or USR1 (the kernel drops a signal
        // that an init has no handler for), as a server that reloads on a signal would.
        await _docker.RunHttpdAsync("signalled", port);
        await using var ambassador = await StartAsync("--name", name, "--wait", "30");
        await ambassador.RoutedAsync(name, port);
        Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port)));

        var sent = DateTime.UtcNow;
        await DockerCli.RunAsync("kill", "-s", signal, name);
        // The agent has read the kill event and judged the container again (event 2004 follows its inspect).
        var judged = await ambassador.Logs.WaitForAsync(line => line.EventId == 2004 && line.Message.Contains(name, StringComparison.Ordinal), sent);

        // New connections over the next 2 s, while the judgement travels agent -> grain -> follower -> proxy.
        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var clock = Stopwatch.StartNew();
            using var atOnce = new CancellationTokenSource(AtOnce);
            try
            {
                Assert.Equal(Clients.HttpOk, await Clients.HttpGetStatusAsync(Local(port), atOnce.Token));
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"new connection {i + 1} after `docker kill -s {signal}` was not answered within {AtOnce.TotalSeconds} s: held. Log:{Environment.NewLine}{ambassador.Logs.Dump()}");
            }

            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
            await Task.Delay(200); // the probes' cadence, spread over the propagation's window
        }

        Assert.DoesNotContain(ambassador.Logs.Lines, line => line.At >= sent && line.EventId == 3003);
        Assert.Equal("true", await DockerScope.InspectAsync(name, "{{.State.Running}}"));
        output.WriteLine($"figures: docker kill -s {signal}; the agent judged the container again {(judged.At - sent).TotalMilliseconds:F0} ms later; " +
            $"10 new connections over the next 2 s, slowest answered in {slowest.TotalMilliseconds:F0} ms");
    }
}
