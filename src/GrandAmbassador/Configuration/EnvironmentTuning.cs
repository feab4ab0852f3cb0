using GrandAmbassador.Proxy.Engine;

namespace GrandAmbassador.Configuration;

/// <summary>
/// What the process takes from environment variables that are not options of its command line, read once at start
/// (by the command line's reader) so that no library option class reads the environment itself.
/// </summary>
/// <param name="Splice">False when <c>GRAND_AMBASSADOR_SPLICE=0</c>: bulk TCP is copied, not spliced (an A/B of one build).</param>
/// <param name="SplicePipeSize"><c>GRAND_AMBASSADOR_SPLICE_PIPE</c>, bytes from 4096 to 64 MiB; null (the proxy's default) otherwise.</param>
/// <param name="DataPath"><c>GRAND_AMBASSADOR_DATA_PATH=sockets</c> relays TCP and UDP with .NET sockets instead of the event loops (an A/B of one build).</param>
/// <param name="EventLoops"><c>GRAND_AMBASSADOR_EVENT_LOOPS</c>, 1 to 256; null (one per core) otherwise.</param>
/// <param name="DockerCertPath"><c>$DOCKER_CERT_PATH</c>, as the docker CLI reads it, for a TLS <c>tcp://</c> engine.</param>
/// <param name="DockerTlsVerify">Whether <c>$DOCKER_TLS_VERIFY</c> is set to anything non-empty, as the docker CLI reads it.</param>
internal sealed record EnvironmentTuning(bool Splice, int? SplicePipeSize, string? DockerCertPath, bool DockerTlsVerify, DataPath DataPath = DataPath.EventLoop, int? EventLoops = null)
{
    /// <summary>As with none of the variables set.</summary>
    public static EnvironmentTuning None { get; } = new(Splice: true, SplicePipeSize: null, DockerCertPath: null, DockerTlsVerify: false);

    /// <summary>Reads the variables; a value out of range is ignored, as before (they are tuning for A/B runs and the docker CLI's own).</summary>
    public static EnvironmentTuning Read(Func<string, string?>? variable = null)
    {
        variable ??= Environment.GetEnvironmentVariable;
        return new EnvironmentTuning(
            Splice: variable("GRAND_AMBASSADOR_SPLICE") != "0",
            SplicePipeSize: int.TryParse(variable("GRAND_AMBASSADOR_SPLICE_PIPE"), out var size) && size is >= 4096 and <= 64 * 1024 * 1024 ? size : null,
            DockerCertPath: variable("DOCKER_CERT_PATH") is { Length: > 0 } path ? path : null,
            DockerTlsVerify: !string.IsNullOrEmpty(variable("DOCKER_TLS_VERIFY")),
            DataPath: variable("GRAND_AMBASSADOR_DATA_PATH") == "sockets" ? DataPath.Sockets : DataPath.EventLoop,
            EventLoops: int.TryParse(variable("GRAND_AMBASSADOR_EVENT_LOOPS"), out var loops) && loops is >= 1 and <= 256 ? loops : null);
    }
}
