namespace GrandAmbassador.DataPlane;

/// <summary>
/// While a silo is starting, the framework's own errors are held back: a start that fails (Redis
/// unreachable, a port taken) is reported as one line per retry by the supervisor, not as the
/// several stack traces Orleans and the host log for it. At debug level everything shows.
/// </summary>
internal sealed class StartupQuiet
{
    private volatile bool _active;

    public bool Active => _active;

    public IDisposable Begin()
    {
        _active = true;
        return new End(this);
    }

    private sealed class End(StartupQuiet quiet) : IDisposable
    {
        public void Dispose() => quiet._active = false;
    }
}
