namespace GrandAmbassador.Grains.Endpoints;

/// <summary>
/// A container its own agent removed: published in <c>EndpointSet.Gone</c> until
/// <see cref="ExpiresAt"/>, and the removal's <see cref="Sequence"/> keeps older reports out.
/// </summary>
internal readonly record struct Tombstone(long Sequence, DateTimeOffset ExpiresAt);
