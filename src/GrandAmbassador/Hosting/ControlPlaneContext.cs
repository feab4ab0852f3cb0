using GrandAmbassador.Cluster;
using GrandAmbassador.Configuration;
using GrandAmbassador.DataPlane;

namespace GrandAmbassador.Hosting;

/// <summary>What one control-plane generation is built from: the settings, the data plane it steers, and its generation.</summary>
internal sealed record ControlPlaneContext(AmbassadorSettings Settings, DataPlaneServices DataPlane, ControlPlaneGeneration Generation);
