namespace GrandAmbassador.Docker.Watching;

/// <summary>The engine closed the event stream (it restarted, or a proxy in between went away).</summary>
internal sealed class EventStreamEndedException() : Exception("the Docker event stream ended");
