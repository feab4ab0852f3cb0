using System.Collections.Concurrent;
using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>
/// A unit-test stand-in for Orleans' grain factory: hands out <see cref="FakeContainerEndpointGrain"/>s,
/// a <see cref="FakeHostDirectoryGrain"/> and <see cref="FakeHostAgentGrain"/>s that record every call, in order; <see cref="OnCall"/> lets a test
/// fail a call or hold it open, <see cref="OnSubscribe"/> answer a follower's subscribe. Nothing else of the
/// factory is used by the code under test.
/// </summary>
internal sealed class FakeGrainFactory : IGrainFactory
{
    public FakeGrainFactory() => OnRenew = RenewAsTheGrainDoes;

    public ConcurrentQueue<FakeGrainCall> Calls { get; } = new();

    /// <summary>Runs for every call after it is recorded; its task is the call's.</summary>
    public Func<FakeGrainCall, Task> OnCall { get; set; } = _ => Task.CompletedTask;

    public TGrainInterface GetGrain<TGrainInterface>(string primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithStringKey
    {
        object grain = typeof(TGrainInterface) == typeof(IContainerEndpointGrain) ? new FakeContainerEndpointGrain(primaryKey, this)
            : typeof(TGrainInterface) == typeof(IHostDirectoryGrain) ? new FakeHostDirectoryGrain(primaryKey, this)
            : typeof(TGrainInterface) == typeof(IHostAgentGrain) ? new FakeHostAgentGrain(primaryKey, this)
            : throw new NotSupportedException(typeof(TGrainInterface).Name);
        return (TGrainInterface)grain;
    }

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidKey => throw Unused();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerKey => throw Unused();

    public TGrainInterface GetGrain<TGrainInterface>(Guid primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithGuidCompoundKey => throw Unused();

    public TGrainInterface GetGrain<TGrainInterface>(long primaryKey, string keyExtension, string? grainClassNamePrefix = null)
        where TGrainInterface : IGrainWithIntegerCompoundKey => throw Unused();

    public TGrainInterface GetGrain<TGrainInterface>(GrainId grainId)
        where TGrainInterface : IAddressable => throw Unused();

    public IAddressable GetGrain(GrainId grainId) => throw Unused();

    public IAddressable GetGrain(GrainId grainId, GrainInterfaceType interfaceType) => throw Unused();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey) => throw Unused();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey) => throw Unused();

    public IGrain GetGrain(Type grainInterfaceType, string grainPrimaryKey) => throw Unused();

    public IGrain GetGrain(Type grainInterfaceType, Guid grainPrimaryKey, string keyExtension) => throw Unused();

    public IGrain GetGrain(Type grainInterfaceType, long grainPrimaryKey, string keyExtension) => throw Unused();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey) => throw Unused();

    public IAddressable GetGrain(Type interfaceType, IdSpan grainKey, string grainClassNamePrefix) => throw Unused();

    /// <summary>Answers every subscribe to a <see cref="FakeContainerEndpointGrain"/>: the grain's key and the observer.</summary>
    public Func<string, IEndpointObserver, Task<EndpointSet>> OnSubscribe { get; set; } = (_, _) => throw Unused();

    /// <summary>
    /// Answers every renewal: by default as the grain does, with the snapshot <see cref="OnSubscribe"/> gives,
    /// or null ("not modified") when that is the one the follower holds.
    /// </summary>
    public Func<string, IEndpointObserver, Guid, long, Task<EndpointSet?>> OnRenew { get; set; }

    /// <summary>In-process, an observer's reference is the observer itself: the fake grain calls it directly.</summary>
    public TGrainObserverInterface CreateObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver => (TGrainObserverInterface)obj;

    public void DeleteObjectReference<TGrainObserverInterface>(IGrainObserver obj)
        where TGrainObserverInterface : IGrainObserver
    {
    }

    /// <summary>What <see cref="IContainerEndpointGrain.GetAsync"/> answers, by name (an empty snapshot for any other).</summary>
    public Dictionary<string, EndpointSet> Snapshots { get; } = new(StringComparer.Ordinal);

    /// <summary>What the host directory's <see cref="IHostDirectoryGrain.GetHostsAsync"/> answers.</summary>
    public ImmutableArray<HostRegistration> Hosts { get; set; } = [];

    /// <summary>What the host directory's <see cref="IHostDirectoryGrain.GetFrontingAsync"/> answers.</summary>
    public ImmutableArray<FrontingRegistration> Fronting { get; set; } = [];

    public Task Record(FakeGrainCall call)
    {
        Calls.Enqueue(call);
        return OnCall(call);
    }

    public IReadOnlyList<FakeGrainCall> Where(string method) => [.. Calls.Where(call => call.Method == method)];

    private async Task<EndpointSet?> RenewAsTheGrainDoes(string name, IEndpointObserver observer, Guid epoch, long version)
    {
        var current = await OnSubscribe(name, observer);
        return current.Epoch == epoch && current.Version == version ? null : current;
    }

    private static NotSupportedException Unused() => new("not used by the code under test");
}
