namespace GrandAmbassador.Hosting;

/// <summary>Why a control-plane generation ended.</summary>
internal enum GenerationEnd
{
    /// <summary>The process was told to stop (SIGTERM, SIGINT).</summary>
    StopRequested,

    /// <summary>The cluster declared the silo dead: start a new one.</summary>
    SiloDeclaredDead,

    /// <summary>A background service faulted and stopped the host: exit non-zero.</summary>
    Faulted,
}
