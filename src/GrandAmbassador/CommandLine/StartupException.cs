using GrandAmbassador.Configuration;

namespace GrandAmbassador.CommandLine;

/// <summary>Bad input found at start-up: its message is the one line the user sees before the process exits non-zero.</summary>
internal sealed class StartupException(string message) : InvalidSettingException(message);
