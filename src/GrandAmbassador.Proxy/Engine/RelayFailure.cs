namespace GrandAmbassador.Proxy.Engine;

/// <summary>Why a host's relay could not be reached at the last attempt, and since when it has failed.</summary>
/// <param name="Reason">The last attempt's reason: "connection refused", "the relay of host a refused: …".</param>
/// <param name="Since">The first failure of this run (no success in between).</param>
/// <param name="At">The last failure.</param>
internal sealed record RelayFailure(string Reason, DateTimeOffset Since, DateTimeOffset At);
