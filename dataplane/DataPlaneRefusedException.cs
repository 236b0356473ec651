namespace Bpdp.DataPlane;

/// <summary>The data plane refused a command it can never carry out as asked (an image without its executor): retrying does not help.</summary>
public sealed class DataPlaneRefusedException(string message) : Exception(message);
