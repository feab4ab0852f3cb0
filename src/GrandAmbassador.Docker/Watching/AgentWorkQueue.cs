using System.Threading.Channels;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Docker.Watching;

/// <summary>
/// Hands work from the event stream and the reconcile timer to the one loop that talks to the
/// engine and the sink. Bounded: when it is full the work is not queued but turned into one
/// full re-list, which covers everything it would have done, so the stream reader never blocks.
/// </summary>
internal sealed class AgentWorkQueue(ILogger logger, TimeProvider time) : IProgress<Message>
{
    private const int Capacity = 1024;

    private readonly Channel<AgentWork> _channel = Channel.CreateBounded<AgentWork>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private int _reconcilePending;
    private TaskCompletionSource _queued = NewSignal();

    public ChannelReader<AgentWork> Reader => _channel.Reader;

    /// <summary>Completes when the next work is queued: what a test awaits instead of polling the count.</summary>
    internal Task NextQueued => Volatile.Read(ref _queued).Task;

    /// <summary>Containers signalled to stop, read off the same stream in the same order.</summary>
    public StoppingContainers Stopping { get; } = new(time);

    /// <summary>Called by the event stream, in stream order, on its reader's thread.</summary>
    void IProgress<Message>.Report(Message value)
    {
        Stopping.Observe(value);
        if (ContainerEventFilter.ContainerIdOf(value) is { } containerId)
        {
            if (value is { Type: "container", Action: "kill" })
            {
                // The stop signal is known from the last inspect: report Stopping before the inspect.
                Enqueue(new AgentWork(containerId, Restate: true));
            }

            Enqueue(new AgentWork(containerId));
        }
    }

    public void RequestReconcile() => Enqueue(AgentWork.Reconcile);

    /// <summary>Asks for one container to be inspected again.</summary>
    public void RequestRefresh(string containerId) => Enqueue(new AgentWork(containerId));

    /// <summary>Asks for one container to be judged again from its last inspect, without asking the engine.</summary>
    public void RequestRestate(string containerId) => Enqueue(new AgentWork(containerId, Restate: true));

    /// <summary>Whether a re-list was asked for without being queued (queue full); clears the request.</summary>
    public bool TakeReconcileRequest() => Interlocked.Exchange(ref _reconcilePending, 0) == 1;

    /// <summary>Ends the session's work: the reader sees <paramref name="reason"/> once it has drained the queue.</summary>
    public void Complete(Exception reason) => _channel.Writer.TryComplete(reason);

    private void Enqueue(AgentWork work)
    {
        // A full queue means the reader is busy and will come back for more, so it sees the flag.
        if (_channel.Writer.TryWrite(work))
        {
            Interlocked.Exchange(ref _queued, NewSignal()).TrySetResult();
        }
        else if (Interlocked.Exchange(ref _reconcilePending, 1) == 0)
        {
            DockerAgentLog.EventQueueFull(logger);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
