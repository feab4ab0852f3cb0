namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Tests that open thousands of sockets run alone, after the others: together they would exceed the process's
/// open-file limit (20,000 on the machine these tests were written on).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DescriptorHungryCollection
{
    public const string Name = "Descriptor-hungry";
}
