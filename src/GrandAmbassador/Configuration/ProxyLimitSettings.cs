namespace GrandAmbassador.Configuration;

/// <summary>The relay's limits as the command line gave them; each maps onto a <c>ProxyOptions</c> property.</summary>
/// <param name="MaxConnections">--max-connections; 0 derives it from the open-file limit.</param>
/// <param name="IdleTimeout">--idle-timeout; zero is off.</param>
/// <param name="HalfCloseTimeout">--half-close-timeout; zero is off.</param>
/// <param name="Drain">--drain: how long open connections may go on after SIGTERM.</param>
internal sealed record ProxyLimitSettings(int MaxConnections, TimeSpan IdleTimeout, TimeSpan HalfCloseTimeout, TimeSpan Drain);
