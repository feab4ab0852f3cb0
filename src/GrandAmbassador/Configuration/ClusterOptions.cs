namespace GrandAmbassador.Configuration;

/// <summary>How this silo finds the others. Without <see cref="RedisUri"/>: a cluster of one on localhost.</summary>
internal sealed class ClusteringOptions
{
    /// <summary><c>--cluster redis://[:PASSWORD@]HOST:PORT[/DB]</c>; null for the embedded single-host mode.</summary>
    public Uri? RedisUri { get; set; }

    /// <summary><c>--cluster-id</c>: silos with the same id form one cluster. Default "grand-ambassador".</summary>
    public string ClusterId { get; set; } = "grand-ambassador";

    /// <summary><c>--silo-port</c>: silo-to-silo port. Default: 11111 in a cluster, a free port when embedded.</summary>
    public int? SiloPort { get; set; }

    /// <summary><c>--gateway-port</c>: port for clients such as <c>status</c>. Default: 30000 in a cluster, a free port when embedded.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>The address other silos reach this one at (from <c>--advertise</c>).</summary>
    public string? AdvertiseAddress { get; set; }

    public bool IsEmbedded => RedisUri is null;
}
