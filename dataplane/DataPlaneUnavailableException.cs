namespace Bpdp.DataPlane;

/// <summary>The data plane did not answer, or failed the command: a retry, once it is back, may succeed.</summary>
public sealed class DataPlaneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
