
namespace GrandAmbassador.Configuration;

/// <summary>The validated security options: cluster TLS (null: none), the Redis CA file, where the silo listens.</summary>
internal sealed record SecuritySettings(ClusterTls? Tls, string? RedisCaFile, bool ClusterListenAny)
{
    public static SecuritySettings None { get; } = new(null, null, false);
}
