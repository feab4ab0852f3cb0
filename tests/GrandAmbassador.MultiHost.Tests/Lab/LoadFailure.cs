namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>How a request of <see cref="LongLivedLoad"/> failed.</summary>
internal enum LoadFailureKind
{
    /// <summary>The connection was reset (RST): the relay or the target aborted it.</summary>
    Reset,

    /// <summary>The connection ended (FIN) with the request unanswered.</summary>
    Closed,

    /// <summary>No answer within <see cref="LongLivedLoad.RequestGuard"/>.</summary>
    Timeout,

    /// <summary>An answer that is not the one the request asks for.</summary>
    WrongAnswer,

    /// <summary>A new connection (after a broken one) could not be made.</summary>
    ConnectFailed,
}

/// <summary>One failed request: when, on which connection (0-based), how, and what the socket said.</summary>
internal sealed record LoadFailure(DateTime At, int Connection, LoadFailureKind Kind, string Detail);
