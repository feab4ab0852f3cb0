namespace GrandAmbassador.Proxy.HostRelay.Mux;

/// <summary>The kinds of frame on a multiplexed relay link. Values are on the wire: never renumber.</summary>
internal enum MuxFrameType : byte
{
    /// <summary>Ambassador to relay: a new stream; the payload is a <see cref="RelayRequest"/> in JSON.</summary>
    Open = 1,

    /// <summary>Relay to ambassador: the verdict (one byte, <see cref="RelayVerdict"/>) and a UTF-8 reason.</summary>
    Reply = 2,

    /// <summary>Bytes of the stream.</summary>
    Data = 3,

    /// <summary>The sender sends no more data on the stream (a FIN); the other direction goes on.</summary>
    Fin = 4,

    /// <summary>The stream is aborted both ways (a reset).</summary>
    Reset = 5,

    /// <summary>The receiver has consumed this many more bytes (a big-endian 32-bit count): the sender may send them.</summary>
    Window = 6,
}
