using System.Net;
using GrandAmbassador.Testing;

namespace GrandAmbassador.Deploy.Tests.Install;

/// <summary>
/// The README's server install, into a throwaway root: the linux-x64 package tests/run.sh made
/// (deploy/package.sh), unpacked, <c>install.sh --name …</c> with <c>DESTDIR</c>; the unit checked by
/// <c>systemd-analyze verify</c>; the installed binary run as the unit's <c>ExecStart</c> runs it, with the
/// variables of its environment file, fronting a real container; then <c>uninstall.sh</c>.
/// </summary>
public sealed class InstallTests : IAsyncLifetime
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(120);
    private readonly DockerScope _docker = new("ga-install");
    private readonly string _work = Directory.CreateTempSubdirectory("ga-install-").FullName;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _docker.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task InstalledIntoADestDir_TheUnitVerifies_TheBinaryFrontsAContainerWithItsEnvFile_AndUninstallRemovesWhatItAdded()
    {
        var package = Path.Combine(Repository.Root, "artifacts", "grand-ambassador-linux-x64.tar.gz");
        Assert.True(File.Exists(package), $"no package at {package}: tests/run.sh makes it (deploy/package.sh)");
        var root = Path.Combine(_work, "root");
        await RunAsync("tar", "-xzf", package, "-C", _work);
        var name = _docker.Name("web");
        await RunAsync("env", $"DESTDIR={root}", Path.Combine(_work, "grand-ambassador-linux-x64", "install.sh"), "--name", name);

        var binary = Path.Combine(root, "usr/local/bin/grand-ambassador");
        var unit = File.ReadAllText(Path.Combine(root, "etc/systemd/system/grand-ambassador.service"));
        var env = File.ReadAllLines(Path.Combine(root, "etc/grand-ambassador/env"));
        Assert.Contains("ExecStart=/usr/local/bin/grand-ambassador", unit, StringComparison.Ordinal);
        Assert.Contains("Restart=on-failure", unit, StringComparison.Ordinal);
        Assert.Contains($"GRAND_AMBASSADOR_NAME={name}", env);

        // systemd-analyze verify says nothing of a good unit (and exits 0 even for a bad setting: its words count).
        // ExecStart pointed at the staged binary: the real root has none.
        var verify = Path.Combine(_work, "verify", "grand-ambassador.service");
        Directory.CreateDirectory(Path.GetDirectoryName(verify)!);
        File.WriteAllText(verify, unit.Replace("ExecStart=/usr/local/bin/grand-ambassador", $"ExecStart={binary}", StringComparison.Ordinal));
        var (verified, said, complaints) = await ProcessRunner.RunAsync("systemd-analyze", ["verify", verify], Guard);
        Assert.True(verified == 0 && said.Trim().Length == 0 && complaints.Trim().Length == 0, $"systemd-analyze verify: {verified} {said} {complaints}");

        // As ExecStart runs it: the environment file's variables, nothing on the command line (port and HTTP
        // server added to it, as a user would, so that the test owns its port).
        var port = FreePort.Next();
        await _docker.RunHttpdAsync("web", port);
        File.AppendAllLines(Path.Combine(root, "etc/grand-ambassador/env"), [$"GRAND_AMBASSADOR_PORT={port}", "GRAND_AMBASSADOR_LISTEN=127.0.0.1", "GRAND_AMBASSADOR_HTTP=off"]);
        var variables = File.ReadAllLines(Path.Combine(root, "etc/grand-ambassador/env"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'));
        await using (var service = RunningProcess.Start("env", [.. variables, binary]))
        {
            await service.WaitForAsync(line => line.Contains($"{name}: {port}/tcp -> ", StringComparison.Ordinal), guard: Guard);
            Assert.Equal(Clients.HttpOk, await Eventually.GetAsync(() => Clients.HttpGetStatusAsync(new IPEndPoint(IPAddress.Loopback, port)), Guard, "HTTP through the installed binary"));
        }

        await RunAsync("env", $"DESTDIR={root}", Path.Combine(root, "usr/local/lib/grand-ambassador/uninstall.sh"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories));
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        var (exitCode, output, error) = await ProcessRunner.RunAsync(program, args, Guard);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', args)} exited {exitCode}: {output} {error}");
    }
}
