namespace Bpdp.Images;

/// <summary>A store has no manifest or blob under the name asked for.</summary>
public sealed class ImageNotFoundException(string message) : Exception(message);
