using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>
/// Membership updates as a test publishes them; unit tests only. <see cref="PublishAsync"/> returns once
/// the reader has finished with the snapshot (it asked for the next one), so a test can check what the
/// snapshot did without waiting for time to pass.
/// </summary>
internal sealed class FakeClusterMembershipService : IClusterMembershipService
{
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);
    private readonly Channel<ClusterMembershipSnapshot> _updates = Channel.CreateUnbounded<ClusterMembershipSnapshot>();
    private readonly SemaphoreSlim _handled = new(0);
    private long _version;

    public ClusterMembershipSnapshot CurrentSnapshot { get; private set; } =
        new(ImmutableDictionary<SiloAddress, ClusterMember>.Empty, MembershipVersion.MinValue);

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => ReadAsync();

    public static SiloAddress Silo(int port) => SiloAddress.New(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port), 1);

    /// <summary>Publishes the members with their statuses, and waits until the reader has handled them.</summary>
    public async Task PublishAsync(params (SiloAddress Silo, SiloStatus Status)[] members)
    {
        var snapshot = new ClusterMembershipSnapshot(
            members.ToImmutableDictionary(member => member.Silo, member => new ClusterMember(member.Silo, member.Status, member.Silo.ToString())),
            new MembershipVersion(Interlocked.Increment(ref _version)));
        CurrentSnapshot = snapshot;
        await _updates.Writer.WriteAsync(snapshot);
        if (!await _handled.WaitAsync(Hang))
        {
            throw new TimeoutException("the membership reader did not take the snapshot");
        }
    }

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public Task<bool> TryKill(SiloAddress siloAddress) => throw new NotSupportedException("not used by the code under test");

    private async IAsyncEnumerable<ClusterMembershipSnapshot> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var snapshot = await _updates.Reader.ReadAsync(cancellationToken);
            yield return snapshot;

            // The reader asked for the next one: it is done with this one.
            _handled.Release();
        }
    }
}
