using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using GrandAmbassador.DataPlane;
using GrandAmbassador.Http.Api;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GrandAmbassador.Http.Pages;

/// <summary>
/// Feeds the page's server-sent events: reads the cluster's view at once when a name is fronted or dropped
/// and at least every <see cref="Interval"/> (names this process does not front have no observer here),
/// and sends each subscriber the view whenever it differs from the last one sent.
/// </summary>
internal sealed class StatusFeed(NamesViewReader reader, FrontedNameRegistry names, ILogger<StatusFeed> logger) : BackgroundService
{
    /// <summary>Well under the page's one-second promise, and cheap: one grain call per name.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<Channel<string>, byte> _subscribers = new();
    private readonly SemaphoreSlim _nudge = new(0, 1);
    private volatile string? _last;
    private string? _lastContent;

    /// <summary>A subscriber's stream of JSON views, starting with the latest one; dispose it to leave.</summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        if (_last is { } last)
        {
            channel.Writer.TryWrite(last);
        }

        _subscribers.TryAdd(channel, 0);
        Nudge();
        return new Subscription(channel.Reader, () => _subscribers.TryRemove(channel, out _));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var namesChanged = names.Current.Changed;
            await PublishAsync(stoppingToken).ConfigureAwait(false);
            try
            {
                await Task.WhenAny(_nudge.WaitAsync(Interval, stoppingToken), namesChanged).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Nudge()
    {
        try
        {
            _nudge.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already nudged: one read covers both.
        }
    }

    private async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_subscribers.IsEmpty)
        {
            return;
        }

        try
        {
            var view = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            // The view's own time changes every read: compare without it.
            var json = JsonSerializer.Serialize(view, JsonSerializerOptions.Web);
            var content = JsonSerializer.Serialize(view with { At = default }, JsonSerializerOptions.Web);
            if (content == _lastContent)
            {
                return;
            }

            _lastContent = content;
            _last = json;
            foreach (var subscriber in _subscribers.Keys)
            {
                subscriber.Writer.TryWrite(json);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The silo may be restarting or a grain call timing out: the next read will tell.
            HttpLog.FeedReadFailed(logger, exception.Message);
        }
    }
}
