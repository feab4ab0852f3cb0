#pragma warning disable CA1050 // The runtime finds a startup hook only as a type named StartupHook in no namespace.

/// <summary>
/// Runs before <c>Main</c> when the executable names this assembly in its <c>STARTUP_HOOKS</c> runtime property
/// (see grand-ambassador's project file). It turns on inline socket completions: on Linux a socket's completion
/// then runs on the epoll thread that saw it, instead of being queued to the thread pool. The relay's
/// continuations never block (a copy step is a receive that completes at once and a non-blocking send), so the
/// hop is pure cost: it is two thread switches per relayed message. The runtime reads the variable once, when
/// the first socket is created, so it has to be set before anything opens one. An explicit value wins.
/// </summary>
internal static class StartupHook
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
