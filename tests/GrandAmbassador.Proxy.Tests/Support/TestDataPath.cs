using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// The TCP data path every proxy of this run uses: the event loop (the default), or the sockets path when the run sets
/// <c>GRAND_AMBASSADOR_DATA_PATH=sockets</c>, as the executable reads it. tests/run.sh runs the suite once each way.
/// </summary>
internal static class TestDataPath
{
    public static DataPath Current { get; } =
        Environment.GetEnvironmentVariable("GRAND_AMBASSADOR_DATA_PATH") == "sockets" ? DataPath.Sockets : DataPath.EventLoop;
}
