namespace GrandAmbassador.Integration.Tests.Harness;

/// <summary>
/// The end-to-end tests share one engine and two cores: they run one at a time, so that a slow
/// neighbour never turns a hang guard into a false failure.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "docker";
}
