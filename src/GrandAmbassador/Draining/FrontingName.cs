namespace GrandAmbassador.Draining;

/// <summary>One ambassador fronting one name: who must confirm a drain of a container with that name.</summary>
internal sealed record FrontingName(string HostId, string Name)
{
    public override string ToString() => $"{HostId} ({Name})";
}
