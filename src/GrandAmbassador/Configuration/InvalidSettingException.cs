namespace GrandAmbassador.Configuration;

/// <summary>
/// A setting a user gave (a name, a port, an option) that cannot be used: its message is the one line
/// the user sees (on stderr at start-up, in the API's answer at run time), never a stack trace.
/// </summary>
internal class InvalidSettingException(string message) : Exception(message);
