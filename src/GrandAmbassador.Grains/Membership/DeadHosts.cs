namespace GrandAmbassador.Grains.Membership;

/// <summary>Which hosts the cluster has given up on, from its membership: a host's silo is named after its host id (SiloConfiguration).</summary>
internal static class DeadHosts
{
    /// <summary>
    /// Whether the cluster declared dead every silo of <paramref name="hostId"/>. A host with no silo of that
    /// name (one that has not joined yet, or a single host whose silo has another name) is not dead; one
    /// whose process came back with a new silo of the same name is not either.
    /// </summary>
    public static bool IsDead(ClusterMembershipSnapshot membership, string hostId)
    {
        ArgumentNullException.ThrowIfNull(membership);
        var silos = membership.Members.Values.Where(member => member.Name == hostId).ToList();
        return silos.Count > 0 && silos.All(member => member.Status == SiloStatus.Dead);
    }
}
