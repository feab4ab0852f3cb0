namespace GrandAmbassador.Deploy.Tests;

/// <summary>
/// The compose demo and the DaemonSet on the lab each start three silos: on a 2-core machine they
/// run one after the other, not side by side.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DeployCollection
{
    public const string Name = "deploy: one cluster at a time";
}
