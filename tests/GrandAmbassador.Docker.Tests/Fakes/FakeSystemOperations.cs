using Docker.DotNet;
using Docker.DotNet.Models;

namespace GrandAmbassador.Docker.Tests.Fakes;

/// <summary>The engine's system API, faked: a fixed clock, and an event stream the test writes to.</summary>
internal sealed class FakeSystemOperations : ISystemOperations
{
    private readonly TaskCompletionSource<IProgress<Message>> _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>What <c>/info</c> says the engine's clock is.</summary>
    public string SystemTime { get; set; } = "2026-11-27T10:00:00.123456789Z";

    /// <summary>The parameters the agent subscribed with.</summary>
    public ContainerEventsParameters? Subscription { get; private set; }

    public Task<SystemInfoResponse> GetSystemInfoAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new SystemInfoResponse { SystemTime = SystemTime, ServerVersion = "fake" });

    public async Task MonitorEventsAsync(ContainerEventsParameters parameters, IProgress<Message> progress, CancellationToken cancellationToken)
    {
        Subscription = parameters;
        _subscribed.TrySetResult(progress);
        await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delivers events as the engine's stream would: in order, on the stream's thread.</summary>
    public async Task SendAsync(params Message[] messages)
    {
        var progress = await _subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        foreach (var message in messages)
        {
            progress.Report(message);
        }
    }

    /// <summary>The engine closes the stream.</summary>
    public void EndStream() => _ended.TrySetResult();

    public static Message Event(string action, string containerId, params (string Key, string Value)[] attributes) => new()
    {
        Type = "container",
        Action = action,
        Actor = new Actor { ID = containerId, Attributes = attributes.ToDictionary(a => a.Key, a => a.Value) },
    };

    public Task AuthenticateAsync(AuthConfig authConfig, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<VersionResponse> GetVersionAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task PingAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Stream> MonitorEventsAsync(ContainerEventsParameters parameters, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<SystemDataUsageInfoResponse> GetDataUsageInfoAsync(SytemDataUsageInfoParameters? parameters, CancellationToken cancellationToken) => throw new NotSupportedException();
}
