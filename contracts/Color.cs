using System.Text.Json.Serialization;

namespace Bpdp.Contracts;

/// <summary>One of the two slots of a blue-green rollout. Which one is live is read from the target.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Color>))]
public enum Color
{
    /// <summary>The blue slot.</summary>
    Blue,

    /// <summary>The green slot.</summary>
    Green,
}
