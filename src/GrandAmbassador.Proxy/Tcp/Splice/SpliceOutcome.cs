namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>Where a run of splices stopped, and so what the direction does next.</summary>
internal enum SpliceOutcome
{
    /// <summary>The source has nothing more for now: wait for it to be readable again.</summary>
    SourceDrained,

    /// <summary>The destination's send buffer is full with bytes still in the pipe: send those with a normal send, whose completion waits for room.</summary>
    DestinationFull,

    /// <summary>The source sent FIN.</summary>
    EndOfStream,

    /// <summary>The source is not a socket splice can read (the pipe is empty): copy through a buffer from now on.</summary>
    Unsupported,

    /// <summary>Reading the source failed; the errno says why.</summary>
    SourceFailed,

    /// <summary>Writing to the destination failed; the errno says why.</summary>
    DestinationFailed,
}
