using System.Net;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Engines.Tests.Lab;

/// <summary>
/// The real executable (<c>dotnet grand-ambassador.dll</c>) run inside an engine's network
/// namespace with <c>nsenter --net</c>, as a user runs it on a host of that engine: it watches
/// the engine's socket, dials containers on the engine's own bridges, and listens on the
/// namespace's address, which the test reaches from the host.
/// </summary>
internal sealed class AgentInEngine : IAsyncDisposable
{
    private readonly RunningProcess _process;

    private AgentInEngine(LabEngine engine, RunningProcess process)
    {
        Engine = engine;
        _process = process;
    }

    public LabEngine Engine { get; }

    public static async Task<AgentInEngine> StartAsync(LabEngine engine, params string[] args) =>
        await StartAsync(engine, new Uri($"unix://{engine.Socket}"), args);

    /// <summary>Starts it on <paramref name="docker"/> (e.g. a read-only proxy of the engine's socket) and waits until it watches the engine.</summary>
    public static async Task<AgentInEngine> StartAsync(LabEngine engine, Uri docker, params string[] args)
    {
        var process = RunningProcess.Start("nsenter", [
            $"--net=/run/netns/{engine.Namespace}", "dotnet", Repository.AmbassadorDll,
            "--docker", docker.ToString(), "--listen", engine.Address.ToString(), "--http", "off",
            "--log-level", "debug", "--drain", "1", "--host-id", $"eng-{engine.Name}", .. args]);
        var agent = new AgentInEngine(engine, process);
        try
        {
            await agent.LineAsync(2001, "Watching Docker engine");
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }

        return agent;
    }

    public IPEndPoint Endpoint(int port) => Engine.Endpoint(port);

    /// <summary>The first line logged with <paramref name="eventId"/> that contains every one of <paramref name="texts"/>.</summary>
    public async Task<string> LineAsync(int eventId, params string[] texts) => await LineSinceAsync(default, eventId, texts);

    /// <summary>As <see cref="LineAsync"/>, among the lines logged at or after <paramref name="since"/>.</summary>
    public async Task<string> LineSinceAsync(DateTime since, int eventId, params string[] texts)
    {
        var id = $"[{eventId}] ";
        try
        {
            var (_, line) = await _process.WaitForAsync(
                line => line.Contains(id, StringComparison.Ordinal) && texts.All(t => line.Contains(t, StringComparison.Ordinal)),
                since,
                TimeSpan.FromSeconds(90));
            return line;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Engine.Name}: no [{eventId}] line with '{string.Join("', '", texts)}' since {since:HH:mm:ss.fff}; the agent logged:{Environment.NewLine}{_process.Dump()}");
        }
    }

    /// <summary>The agent's own judgement of a container, at debug: "Container NAME (ID): running R, health H, stopping S".</summary>
    public Task<string> JudgedAsync(DateTime since, string name, string judgement) =>
        LineSinceAsync(since, 2004, $"Container {name} (", judgement);

    /// <summary>Waits until <paramref name="name"/>'s <paramref name="port"/> routes to a container.</summary>
    public Task<string> RoutedAsync(string name, int port, string protocol = "tcp", DateTime since = default) =>
        LineSinceAsync(since, 3002, $"{name}: {port}/{protocol} -> ");

    public bool Logged(int eventId, string text) =>
        _process.Lines.Any(l => l.Line.Contains($"[{eventId}] ", StringComparison.Ordinal) && l.Line.Contains(text, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await _process.SignalAsync("TERM");
            try
            {
                await _process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            }
            catch (OperationCanceledException)
            {
                // Killed below.
            }
        }

        await _process.DisposeAsync();
    }
}
