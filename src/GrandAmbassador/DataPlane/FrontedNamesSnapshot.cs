using System.Collections.Immutable;

namespace GrandAmbassador.DataPlane;

/// <summary>
/// The fronted names at one moment, and a task that completes when they next change. Read together,
/// so that a change made between reading the names and awaiting the next one is never missed.
/// </summary>
internal sealed record FrontedNamesSnapshot(ImmutableArray<FrontedName> Names, Task Changed);
