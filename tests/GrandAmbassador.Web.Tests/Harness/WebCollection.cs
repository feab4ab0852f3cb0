namespace GrandAmbassador.Web.Tests.Harness;

/// <summary>The tests share one engine, one browser binary and two cores: they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class WebCollection
{
    public const string Name = "web";
}
