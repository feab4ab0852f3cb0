using System.Threading.Channels;

namespace GrandAmbassador.Http.Pages;

/// <summary>One page's place in the <see cref="StatusFeed"/>: the views to send, and leaving when the page goes.</summary>
internal sealed class Subscription(ChannelReader<string> views, Action leave) : IDisposable
{
    public ChannelReader<string> Views => views;

    public void Dispose() => leave();
}
