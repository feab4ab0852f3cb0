namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>The lab's hosts, engines and Redis are shared: its tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class LabCollection
{
    public const string Name = "multi-host lab";
}
