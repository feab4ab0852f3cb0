using GrandAmbassador.Contracts.Endpoints;

namespace GrandAmbassador.DataPlane;

/// <summary>A port a name listens on, in the contract's terms: the next plan keeps these while no container runs.</summary>
internal readonly record struct PlannedPort(int Listen, int Target, PortProtocol Protocol);
