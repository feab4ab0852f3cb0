namespace GrandAmbassador.Proxy.EventLoops;

/// <summary>What a descriptor registered with an <see cref="EventLoop"/> is for; called on the loop's thread only.</summary>
internal interface ILoopHandler
{
    /// <param name="events">The epoll events that fired (<see cref="LoopNative"/>'s Epoll* flags).</param>
    void OnEvents(uint events);
}
