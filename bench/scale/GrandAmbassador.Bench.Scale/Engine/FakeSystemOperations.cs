using Docker.DotNet;
using Docker.DotNet.Models;

namespace GrandAmbassador.Bench.Scale.Engine;

/// <summary>One simulated engine's system API: a fixed clock for <c>/info</c>, and an event stream the scenario writes to.</summary>
internal sealed class FakeSystemOperations : ISystemOperations
{
    private readonly TaskCompletionSource<IProgress<Message>> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new SystemInfoResponse { SystemTime = "2026-11-27T10:00:00.123456789Z", ServerVersion = "simulated" });

    /// <summary>The stream stays open until the agent stops: a simulated engine never goes away.</summary>
    public async Task MonitorEventsAsync(ContainerEventsParameters parameters, IProgress<Message> progress, CancellationToken cancellationToken)
    {
        _subscribed.TrySetResult(progress);
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>Delivers events as the engine's stream would: in order, on the caller's thread.</summary>
    public async Task SendAsync(CancellationToken cancellationToken, params Message[] messages)
    {
        var progress = await _subscribed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        foreach (var message in messages)
        {
            progress.Report(message);
        }
    }

    public static Message Event(string action, string containerId) => new()
    {
        Type = "container",
        Action = action,
        Actor = new Actor { ID = containerId, Attributes = new Dictionary<string, string>() },
    };

    public Task AuthenticateAsync(AuthConfig authConfig, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<VersionResponse> GetVersionAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PingAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> MonitorEventsAsync(ContainerEventsParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SystemDataUsageInfoResponse> GetDataUsageInfoAsync(SytemDataUsageInfoParameters? parameters, CancellationToken cancellationToken) => throw new NotSupportedException();
}
