namespace GrandAmbassador.Proxy.Tests.Support;

/// <summary>Generous limits that only catch hangs; tests never wait for them when things work.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Hang = TimeSpan.FromSeconds(15);

    /// <summary>Polls a condition that no event announces (internal counts), until it holds or the hang limit passes.</summary>
    public static async Task EventuallyAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Hang);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
