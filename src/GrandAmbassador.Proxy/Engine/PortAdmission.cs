using System.Net;
using GrandAmbassador.Proxy.Access;

namespace GrandAmbassador.Proxy.Engine;

/// <summary>
/// The access check of one new connection or UDP session, with what a refusal costs: counted per name, port and
/// reason, and logged once per client per minute. Listeners call it only when the name's access is not open.
/// </summary>
internal static class PortAdmission
{
    /// <param name="attempts">What a refusal counts as: the datagrams of a run a loop received in one batch, checked once.</param>
    /// <returns>Whether <paramref name="client"/> may go on; if so, <paramref name="entry"/> (when not null) is released when it closes.</returns>
    public static bool Admit(PortContext context, IPAddress? client, out ClientEntry? entry, int attempts = 1)
    {
        entry = null;
        if (client is null)
        {
            // A socket whose peer is already gone: nothing to admit, and nothing worth a log line.
            return false;
        }

        var refusal = context.Access.TryAdmit(client, out entry);
        if (refusal == AccessRefusal.None)
        {
            return true;
        }

        context.Counts.Refused(refusal).Add(attempts);
        context.Access.RefusalLog.Refused(context.Port, client, refusal);
        return false;
    }
}
