namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>One call a fake grain received: which grain (its key), which method, what it named, and its argument where a test reads it.</summary>
internal sealed record FakeGrainCall(string Grain, string Method, string? ContainerId = null, long Sequence = 0, object? Argument = null);
