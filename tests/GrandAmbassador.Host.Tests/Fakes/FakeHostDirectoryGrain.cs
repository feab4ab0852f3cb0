using System.Collections.Immutable;
using GrandAmbassador.Contracts.Endpoints;
using GrandAmbassador.Contracts.Grains;

namespace GrandAmbassador.Host.Tests.Fakes;

/// <summary>Records registrations for <see cref="FakeGrainFactory"/> and answers reads from it; unit tests only.</summary>
internal sealed class FakeHostDirectoryGrain(string key, FakeGrainFactory factory) : IHostDirectoryGrain
{
    public Task RegisterAsync(HostRegistration registration, TimeSpan lease) => factory.Record(new FakeGrainCall(key, "Register", Argument: registration));

    public Task<ImmutableArray<HostRegistration>> GetHostsAsync() => Task.FromResult(factory.Hosts);

    public Task<ImmutableArray<string>?> GetHostsWithNameAsync(string name) => throw new NotSupportedException();

    public Task RegisterFrontingAsync(FrontingRegistration registration, TimeSpan lease) => factory.Record(new FakeGrainCall(key, "RegisterFronting", Argument: registration));

    public Task<ImmutableArray<FrontingRegistration>> GetFrontingAsync() => Task.FromResult(factory.Fronting);
}
