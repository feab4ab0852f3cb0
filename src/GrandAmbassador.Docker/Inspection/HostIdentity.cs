namespace GrandAmbassador.Docker.Inspection;

/// <summary>
/// Who this host is in the cluster, decided once (<see cref="Common.AdvertiseAddressResolver.Identify"/>, when the
/// command line is read): its id, and the address other hosts reach its silo and its containers' published ports at.
/// Every endpoint the agent reports carries both; the silo, the followers, the directory registrations and the HTTP
/// page read the same value. One record for both projects, so the agent cannot advertise another address than the silo.
/// </summary>
/// <param name="HostId">--host-id; the silo is named after it.</param>
/// <param name="AdvertiseAddress">--advertise, or else picked from this host's interfaces.</param>
/// <param name="AdvertiseGiven">Whether --advertise gave the address.</param>
/// <param name="AdvertiseChoice">How the address was chosen (its family among it), for the start-up log.</param>
/// <param name="RelayPort">The port this host's relay listens on at <paramref name="AdvertiseAddress"/>; 0: no relay.</param>
internal sealed record HostIdentity(string HostId, string AdvertiseAddress, bool AdvertiseGiven = true, string AdvertiseChoice = "given by --advertise", int RelayPort = 0);
