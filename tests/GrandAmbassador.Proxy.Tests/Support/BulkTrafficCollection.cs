namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>
/// Tests that move hundreds of MiB run alone: on a 2-core machine they starve whatever runs beside them, and the
/// proxy tests that wait on a drain, a connect wait or a UDP hold would fail for want of CPU, not of behaviour.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BulkTrafficCollection
{
    public const string Name = "Bulk traffic";
}
