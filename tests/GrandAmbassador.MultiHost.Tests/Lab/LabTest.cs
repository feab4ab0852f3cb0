using Xunit.Abstractions;

namespace GrandAmbassador.MultiHost.Tests.Lab;

/// <summary>
/// A test in the multi-host lab: its own <see cref="LabScenario"/>, whose ambassadors' logs go to
/// the test's output (shown when it fails) before everything it made is removed.
/// </summary>
[Collection(LabCollection.Name)]
public abstract class LabTest(ITestOutputHelper output) : IAsyncLifetime
{
    internal LabScenario Lab { get; } = new();

    protected ITestOutputHelper Output => output;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        output.WriteLine(Lab.Logs());
        await RestoreLabAsync();
        await Lab.DisposeAsync();
    }

    /// <summary>Undoes what the test did to the lab itself (a killed host, a cut, Redis stopped).</summary>
    protected virtual Task RestoreLabAsync() => Task.CompletedTask;
}
