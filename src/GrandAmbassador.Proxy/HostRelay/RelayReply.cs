namespace GrandAmbassador.Proxy.HostRelay;

/// <summary>The relay's reply: go, or why not.</summary>
internal readonly record struct RelayReply(RelayVerdict Verdict, string Reason)
{
    public static RelayReply Go { get; } = new(RelayVerdict.Go, "");

    public bool IsGo => Verdict == RelayVerdict.Go;
}
