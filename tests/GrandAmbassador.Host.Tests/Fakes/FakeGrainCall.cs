namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>One call a fake grain received: which grain (its key), which method, and what it named.</summary>
internal sealed record FakeGrainCall(string Grain, string Method, string? ContainerId = null, long Sequence = 0);
