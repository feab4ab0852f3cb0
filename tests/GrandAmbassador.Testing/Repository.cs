namespace GrandAmbassador.Testing;

/// <summary>Where things are: the repository root, and the executable the test project was built with.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>grand-ambassador.dll, copied beside the tests by their reference to the executable's project.</summary>
    public static string AmbassadorDll => Path.Combine(AppContext.BaseDirectory, "grand-ambassador.dll");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Cluster.sln not found above " + AppContext.BaseDirectory);
    }
}
