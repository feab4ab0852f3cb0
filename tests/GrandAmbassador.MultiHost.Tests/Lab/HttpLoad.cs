using System.Collections.Concurrent;
using System.Net;
using GrandAmbassador.Testing;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// A real client running through the ambassador while a test changes the cluster: workers that
/// each send GET / over a new connection, back to back, and count every failure.
/// </summary>
internal sealed class HttpLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private int _sent;

    private HttpLoad(IPEndPoint target, int workers) =>
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(() => WorkAsync(target)))];

    public int Sent => Volatile.Read(ref _sent);

    /// <summary>Every answered request: when, and which host's container answered (the page it served).</summary>
    public ConcurrentQueue<(DateTime At, string ServedBy)> Answers { get; } = new();

    public ConcurrentQueue<(DateTime At, string Error)> Failures { get; } = new();

    public static HttpLoad Start(IPEndPoint target, int workers = 4) => new(target, workers);

    /// <summary>Waits for the first answer at or after <paramref name="since"/> served by <paramref name="host"/>.</summary>
    public async Task<DateTime> FirstAnswerFromAsync(string host, DateTime since)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var answer = Answers.FirstOrDefault(a => a.At >= since && a.ServedBy == host);
            if (answer != default)
            {
                return answer.At;
            }

            await Task.Delay(5, guard.Token);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        _stop.Dispose();
    }

    private async Task WorkAsync(IPEndPoint target)
    {
        while (!_stop.IsCancellationRequested)
        {
            Interlocked.Increment(ref _sent);
            try
            {
                // Not cancelled by _stop: a request that was sent is seen through to its answer.
                var response = await Clients.ExchangeAsync(target, "GET / HTTP/1.0\r\n\r\n", halfClose: false);
                var body = response.Split("\r\n\r\n", 2) is [var head, var content] && head.StartsWith(Clients.HttpOk, StringComparison.Ordinal)
                    ? content.Trim()
                    : throw new InvalidOperationException("unexpected answer: " + response.Split("\r\n")[0]);
                if (body.Length == 0)
                {
                    // Every page of the lab's web containers names its host: a 200 without it was cut short.
                    throw new InvalidOperationException("an answer without its body (cut short): " + response.Split("\r\n")[0]);
                }

                Answers.Enqueue((DateTime.UtcNow, body));
            }
            catch (Exception exception)
            {
                Failures.Enqueue((DateTime.UtcNow, exception.Message));
            }
        }
    }
}
