using GrandAmbassador.Docker.Common;

namespace GrandAmbassador.Configuration;

/// <summary>
/// Who this host is in the cluster, decided once when the command line is read: its id, and the
/// address other hosts reach its silo and its containers' published ports at. The silo, the agent,
/// the followers, the directory registrations and the HTTP page all read it from here.
/// </summary>
/// <param name="HostId">--host-id; the silo is named after it.</param>
/// <param name="AdvertiseAddress">--advertise, or else picked from this host's interfaces.</param>
/// <param name="AdvertiseGiven">Whether --advertise gave the address.</param>
/// <param name="AdvertiseChoice">How the address was chosen (its family among it), for the start-up log.</param>
internal sealed record HostIdentity(string HostId, string AdvertiseAddress, bool AdvertiseGiven, string AdvertiseChoice = "given by --advertise")
{
    /// <summary>
    /// The given address; else the first IPv4 address of an interface that is up, not loopback and not a Docker
    /// bridge, or on an IPv6-only host its first global IPv6 address; else loopback.
    /// </summary>
    public static HostIdentity Resolve(string hostId, string? advertise)
    {
        if (advertise is not null)
        {
            return new(hostId, advertise, true);
        }

        var (address, how) = AdvertiseAddressResolver.Choose() ?? ("127.0.0.1", "loopback: no other address found");
        return new(hostId, address, false, how);
    }
}
