namespace GrandAmbassador.Contracts.Grains;

/// <summary>
/// Marks a grain method that changes routing: the silo refuses it unless the caller is one of the
/// cluster's silos (a grain, or the agent through its silo's hosted client), never an Orleans client
/// that came in through a gateway. Enforced by the silo's incoming call filter, not by the interface.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class SilosOnlyAttribute : Attribute
{
}
