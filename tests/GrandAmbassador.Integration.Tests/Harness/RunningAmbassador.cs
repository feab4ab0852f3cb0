using Microsoft.Extensions.Logging;
using System.Net;
using GrandAmbassador.CommandLine;
using GrandAmbassador.Hosting;
using Microsoft.Extensions.Hosting;

namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// A whole ambassador (silo, Docker agent, proxies) started in-process from a command line, exactly
/// as <c>grand-ambassador ARGS</c> would build it, listening on loopback.
/// </summary>
internal sealed class RunningAmbassador : IAsyncDisposable
{
    private readonly IHost _host;

    private RunningAmbassador(IHost host, LogCollector logs)
    {
        _host = host;
        Logs = logs;
    }

    public LogCollector Logs { get; }

    public static async Task<RunningAmbassador> StartAsync(params string[] args)
    {
        var logs = new LogCollector();
        var settings = AmbassadorCommandLine.ParseSettings(["--listen", "127.0.0.1", "--log-level", "debug", "--http", "off", .. args]);
        var host = AmbassadorHostBuilder.Build(settings, logging => logging.AddProvider(logs));
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.StartAsync(guard.Token);
        return new RunningAmbassador(host, logs);
    }

    public static IPEndPoint Local(int port) => new(IPAddress.Loopback, port);

    /// <summary>Waits until the ambassador logs that <paramref name="name"/>'s port routes to a container.</summary>
    public Task<LogLine> RoutedAsync(string name, int port, string protocol = "tcp") =>
        Logs.WaitForAsync(line => line.EventId == 3002 && line.Message.StartsWith($"{name}: {port}/{protocol} -> ", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(guard.Token);
        _host.Dispose();
    }
}
