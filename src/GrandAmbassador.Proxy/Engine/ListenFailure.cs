using GrandAmbassador.Proxy.Routing;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>A port that could not be bound; it is retried on the next <see cref="ServiceProxy.ApplyAsync"/>.</summary>
/// <param name="Port">The port.</param>
/// <param name="Reason">The operating system's reason, e.g. "Address already in use".</param>
internal sealed record ListenFailure(ListenPort Port, string Reason);
