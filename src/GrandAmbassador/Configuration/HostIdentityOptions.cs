namespace GrandAmbassador.Configuration;

/// <summary>Who this host is in the cluster (<c>--host-id</c>, <c>--advertise</c>).</summary>
internal sealed class HostIdentityOptions
{
    /// <summary>Default: the machine's host name.</summary>
    public string HostId { get; set; } = Environment.MachineName;

    /// <summary>The address other hosts reach this host at; default: its first non-loopback IPv4 address.</summary>
    public string? AdvertiseAddress { get; set; }
}
