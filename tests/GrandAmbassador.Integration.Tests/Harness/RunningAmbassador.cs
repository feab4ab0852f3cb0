using System.Net;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// A whole ambassador (data plane, and the supervised control plane: silo, Docker agent, followers)
/// started in-process from a command line, exactly as <c>grand-ambassador ARGS</c> would build it,
/// listening on loopback.
/// </summary>
internal sealed class RunningAmbassador : IAsyncDisposable
{
    private RunningAmbassador(AmbassadorRuntime runtime, LogCollector logs)
    {
        Runtime = runtime;
        Logs = logs;
    }

    public AmbassadorRuntime Runtime { get; }

    public LogCollector Logs { get; }

    public static async Task<RunningAmbassador> StartAsync(params string[] args)
    {
        var ambassador = await StartBesideTheSiloAsync(args);
        var (runtime, logs) = (ambassador.Runtime, ambassador.Logs);
        await runtime.Started.WaitAsync(TimeSpan.FromSeconds(60));
        if (runtime.ControlPlane is null)
        {
            await runtime.DisposeAsync();
            throw new InvalidOperationException($"The ambassador did not start:{Environment.NewLine}{logs.Dump()}");
        }

        return ambassador;
    }

    /// <summary>Returns as soon as the data plane is up, while the first silo may still be starting (or retrying).</summary>
    public static async Task<RunningAmbassador> StartBesideTheSiloAsync(params string[] args)
    {
        var logs = new LogCollector();
        var settings = AmbassadorCommandLine.ParseSettings(["--listen", "127.0.0.1", "--log-level", "debug", "--http", "off", .. args]);
        var runtime = await AmbassadorRuntime.StartAsync(settings, logging => logging.AddProvider(logs));
        return new RunningAmbassador(runtime, logs);
    }

    public static IPEndPoint Local(int port) => new(IPAddress.Loopback, port);

    /// <summary>Waits until the ambassador logs that <paramref name="name"/>'s port routes to a container.</summary>
    public Task<LogLine> RoutedAsync(string name, int port, string protocol = "tcp") =>
        Logs.WaitForAsync(line => line.EventId == 3002 && line.Message.StartsWith($"{name}: {port}/{protocol} -> ", StringComparison.Ordinal));

    public async ValueTask DisposeAsync() => await Runtime.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
}
