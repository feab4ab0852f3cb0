namespace GrandAmbassador.CommandLine;

/// <summary>No ambassador answers where <c>status</c> looked: one line and exit code 1, not bad input.</summary>
internal sealed class NotRunningException(string message) : Exception(message);
