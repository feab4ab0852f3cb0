using GrandAmbassador.Configuration;

namespace GrandAmbassador.CommandLine;

/// <summary>How a command reaches the cluster: Redis (null: the single-host ambassador's gateway), its id, TLS.</summary>
internal sealed record ClusterClientSettings(Uri? Cluster, string ClusterId, int GatewayPort, SecuritySettings Security);
