using System.Text;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace GrandAmbassador.Host.Tests.Architecture;

/// <summary>
/// Issue 22: no namespace cycles. In each production assembly every folder right under its root namespace
/// (<c>GrandAmbassador.Proxy.Tcp</c>, with <c>Tcp.Splice</c> in it) is one slice, and so is the root namespace
/// itself; a slice that depends on another, directly or through others, may not be depended on back. The types
/// and their dependencies (signatures, attributes, method bodies) come from ArchUnitNET's reading of the built
/// assemblies; the slices and the cycles (strongly connected components) are ours, so that the root namespace
/// counts.
/// </summary>
public sealed class NamespaceCycleTests
{
    /// <summary>Each production assembly and its root namespace; types outside it (generated code) are left out.</summary>
    private static readonly (string Assembly, string Root)[] Projects =
    [
        ("grand-ambassador", "GrandAmbassador"),
        ("GrandAmbassador.Proxy", "GrandAmbassador.Proxy"),
        ("GrandAmbassador.Docker", "GrandAmbassador.Docker"),
        ("GrandAmbassador.Grains", "GrandAmbassador.Grains"),
        ("GrandAmbassador.Contracts", "GrandAmbassador.Contracts"),
    ];

    private const string RootSlice = "(root)";

    [Fact]
    public void NoProductionAssembly_HasANamespaceCycle()
    {
        var architecture = new ArchLoader()
            .LoadAssemblies([.. Projects.Select(p => System.Reflection.Assembly.Load(p.Assembly))])
            .Build();

        var report = new StringBuilder();
        foreach (var (assembly, root) in Projects)
        {
            var types = architecture.Types
                .Where(t => t.Assembly.Name.Split(',')[0] == assembly && SliceOf(t, root) is not null)
                .ToList();
            Assert.NotEmpty(types);
            var slice = types.ToDictionary(t => t, t => SliceOf(t, root)!);

            // slice -> slice -> the type dependencies that make the edge
            var edges = new Dictionary<string, Dictionary<string, List<string>>>();
            foreach (var type in types)
            {
                foreach (var dependency in type.Dependencies)
                {
                    if (!slice.TryGetValue(dependency.Target, out var to) || to == slice[type])
                    {
                        continue;
                    }

                    var from = edges.TryGetValue(slice[type], out var known) ? known : edges[slice[type]] = [];
                    var why = from.TryGetValue(to, out var list) ? list : from[to] = [];
                    var line = $"{Short(type.FullName, root)} -> {Short(dependency.Target.FullName, root)}";
                    if (!why.Contains(line))
                    {
                        why.Add(line);
                    }
                }
            }

            foreach (var cycle in StronglyConnected(slice.Values.Distinct().Order(StringComparer.Ordinal), edges))
            {
                report.AppendLine($"{root}: {string.Join(" <-> ", cycle)}");
                foreach (var from in cycle)
                {
                    foreach (var to in cycle.Where(to => edges.GetValueOrDefault(from)?.ContainsKey(to) == true))
                    {
                        var why = edges[from][to];
                        report.AppendLine($"  {from} -> {to}: {string.Join("; ", why.Take(4))}{(why.Count > 4 ? $"; (+{why.Count - 4} more)" : "")}");
                    }
                }
            }
        }

        Assert.True(report.Length == 0, "Namespace cycles:\n" + report);
    }

    /// <summary>The folder right under the root namespace, <see cref="RootSlice"/> for the root itself, null outside it.</summary>
    private static string? SliceOf(IType type, string root)
    {
        var ns = type.Namespace.FullName;
        if (ns == root)
        {
            return RootSlice;
        }

        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Split('.')[0] : null;
    }

    private static string Short(string fullName, string root) =>
        fullName.StartsWith(root + ".", StringComparison.Ordinal) ? fullName[(root.Length + 1)..] : fullName;

    /// <summary>Tarjan's strongly connected components of more than one slice, each sorted by name.</summary>
    private static List<List<string>> StronglyConnected(
        IEnumerable<string> nodes, Dictionary<string, Dictionary<string, List<string>>> edges)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<List<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in edges.GetValueOrDefault(node)?.Keys.Order(StringComparer.Ordinal) ?? Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(next))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (onStack.Contains(next))
                {
                    low[node] = Math.Min(low[node], index[next]);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);

                if (component.Count > 1)
                {
                    components.Add([.. component.Order(StringComparer.Ordinal)]);
                }
            }
        }

        foreach (var node in nodes)
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
