namespace GrandAmbassador.Proxy.Tcp.Splice;

/// <summary>Which errno values from splice(2) mean it cannot be used here (the mapping to socket errors is <c>EventLoops.LoopErrors</c>').</summary>
internal static class SpliceErrors
{
    /// <summary>Errors that mean splice cannot move this kind of descriptor, rather than that the connection failed.</summary>
    public static bool MeansUnsupported(int errno) => errno is 22 or 38 or 95; // EINVAL, ENOSYS, EOPNOTSUPP
}
