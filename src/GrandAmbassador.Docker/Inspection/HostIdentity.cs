namespace GrandAmbassador.Docker.Inspection;

/// <summary>What every endpoint from this host carries: the host's id and its advertised address.</summary>
internal sealed record HostIdentity(string HostId, string? AdvertiseAddress);
