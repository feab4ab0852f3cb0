namespace GrandAmbassador.HostRelay;

/// <summary>One flow the relay passes on to a container (a TCP connection, or a UDP session over its link), as a drain ends it.</summary>
internal interface IRelayedFlow
{
    /// <summary>Ends it gently (the drain's deadline): each side reads the end.</summary>
    void Close();

    /// <summary>Ends it at once (the process is closing).</summary>
    void Abort();
}
