using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using GrandAmbassador.Integration.Tests.Harness;
using GrandAmbassador.Testing;
using Xunit.Abstractions;

namespace GrandAmbassador.Integration.Tests.Reliability;

/// <summary>
/// Issue 7, shutdown: SIGTERM to the real executable stops accepting and lets open connections
/// finish (up to --drain, default 10 s) before it exits 0.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class ShutdownTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Connections = 20;

    /// <summary>How long the target takes to finish an answer it has begun: well inside the default drain (10 s).</summary>
    private const int AnswerSeconds = 3;

    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly DockerScope _docker = new("ga-reliab");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _docker.DisposeAsync();

    [Fact]
    public async Task Sigterm_WithOpenConnections_EachSeesItsInFlightAnswerAndAFin_NoneAReset_AndTheProcessExits0()
    {
        var port = FreePort.Next();
        var name = _docker.Name("slow");
        // Per connection: reads a line, says "got LINE" at once, "done LINE" 3 s later, then closes.
        await _docker.RunAsync("slow", ["--expose", $"{port}"], DockerScope.Socat,
            "socat", $"TCP-LISTEN:{port},fork,reuseaddr", $"SYSTEM:read l; echo got $l; sleep {AnswerSeconds}; echo done $l");
        await using var ambassador = RunningProcess.Start("dotnet", [Repository.AmbassadorDll, "--name", name, "--listen", "127.0.0.1"]);
        await ambassador.WaitForAsync(line => line.Contains($"{name}: {port}/tcp -> ", StringComparison.Ordinal));

        // Every request has reached the target (its first words came back): the answers are in flight.
        var clients = await Task.WhenAll(Enumerable.Range(0, Connections).Select(i => OpenInFlightAsync(new IPEndPoint(IPAddress.Loopback, port), $"r{i}")));
        var signalled = Stopwatch.StartNew();
        await ambassador.SignalAsync("TERM");
        var endings = await Task.WhenAll(clients.Select((socket, i) => ReadToFinAsync(socket, $"r{i}")));
        var exitCode = await ambassador.WaitForExitAsync(Guard);
        var exited = signalled.Elapsed;
        foreach (var socket in clients)
        {
            socket.Dispose();
        }

        output.WriteLine($"figures: SIGTERM with {Connections} answers in flight; the last answer ended {endings.Max(e => e.After).TotalMilliseconds:F0} ms after the signal, " +
            $"the process exited {exited.TotalMilliseconds:F0} ms after it with code {exitCode}; " +
            $"{endings.Count(e => e.Outcome == "fin")} FIN, {endings.Count(e => e.Outcome != "fin")} other: {string.Join("; ", endings.Where(e => e.Outcome != "fin").Select(e => e.Outcome).Distinct())}");
        Assert.All(endings, ending => Assert.Equal("fin", ending.Outcome));
        Assert.True(exitCode == 0, $"exit code {exitCode}; output:{Environment.NewLine}{ambassador.Dump()}");

        async Task<(string Outcome, TimeSpan After)> ReadToFinAsync(Socket socket, string tag)
        {
            using var guard = new CancellationTokenSource(Guard);
            var answer = new StringBuilder($"got {tag}\n");
            var buffer = new byte[256];
            try
            {
                int read;
                while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, guard.Token)) > 0)
                {
                    answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
            }
            catch (SocketException exception)
            {
                return ($"{exception.SocketErrorCode} after \"{answer.ToString().ReplaceLineEndings(" ").Trim()}\"", signalled.Elapsed);
            }
            catch (OperationCanceledException)
            {
                return ($"no end within {Guard.TotalSeconds} s", signalled.Elapsed);
            }

            return answer.ToString() == $"got {tag}\ndone {tag}\n"
                ? ("fin", signalled.Elapsed)
                : ($"FIN after an incomplete answer \"{answer.ToString().ReplaceLineEndings(" ").Trim()}\"", signalled.Elapsed);
        }
    }

    private static async Task<Socket> OpenInFlightAsync(IPEndPoint endpoint, string tag)
    {
        using var guard = new CancellationTokenSource(Guard);
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, guard.Token);
        await socket.SendAsync(Encoding.ASCII.GetBytes(tag + "\n"), SocketFlags.None, guard.Token);
        var expected = $"got {tag}\n";
        var buffer = new byte[expected.Length];
        var received = 0;
        while (received < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, guard.Token);
            received += read > 0 ? read : throw new IOException($"{tag}: closed before the target answered");
        }

        Assert.Equal(expected, Encoding.ASCII.GetString(buffer));
        return socket;
    }
}
