namespace GrandAmbassador.Proxy.Tcp;

/// <summary>Why a sweep closes a TCP connection, if it does.</summary>
internal enum TimeoutReason
{
    /// <summary>The connection stays.</summary>
    None,

    /// <summary>No byte either way for the idle timeout.</summary>
    Idle,

    /// <summary>One side has sent FIN and no byte has moved since, for the half-close timeout.</summary>
    HalfClose,
}
