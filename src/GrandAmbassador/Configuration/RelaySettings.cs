namespace GrandAmbassador.Configuration;

/// <summary>
/// The host relay's options: its port, whether it may run without TLS (<c>--relay-insecure</c>), and how this
/// ambassador reaches containers on other hosts (<c>--cross-host</c>).
/// </summary>
internal sealed record RelaySettings(int Port = RelaySettings.DefaultPort, bool Insecure = false, CrossHostRoute CrossHost = CrossHostRoute.Auto)
{
    public const int DefaultPort = 11112;

    public static RelaySettings Default { get; } = new();

    /// <summary>
    /// Whether this process runs a relay: only a cluster member with an agent (it relays to the containers its agent
    /// reports), and only over the cluster's TLS unless <see cref="Insecure"/> says otherwise.
    /// </summary>
    public bool RunsOn(AmbassadorSettings settings) =>
        settings.Cluster is not null && !settings.NoAgent && (settings.Security.Tls is not null || Insecure);
}
