using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;

namespace Bpdp.UnitTests.Hostile;

/// <summary>A valid instance of any contract record, built from its constructor, and the members its JSON must carry.</summary>
internal static class ContractSamples
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static JsonObject Json(Type type) => JsonSerializer.SerializeToNode(Instance(type), type, ContractJson.Options)!.AsObject();

    /// <summary>The camelCase names of the constructor parameters that are neither optional nor nullable: leaving one out must be refused.</summary>
    public static IReadOnlyList<string> Required(Type type) =>
        [.. Constructor(type).GetParameters().Where(p => !p.HasDefaultValue && Nullability.Create(p).WriteState != NullabilityState.Nullable && Nullable.GetUnderlyingType(p.ParameterType) is null)
            .Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name!))];

    private static ConstructorInfo Constructor(Type type) => type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

    private static object? Instance(Type type)
    {
        if (type == typeof(string))
        {
            return "sample";
        }

        if (type == typeof(Guid))
        {
            return Guid.NewGuid();
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);
        }

        if (type == typeof(TimeSpan))
        {
            return TimeSpan.FromSeconds(1);
        }

        if (type == typeof(bool))
        {
            return true;
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(0);
        }

        if (type.IsPrimitive || type == typeof(decimal))
        {
            return Convert.ChangeType(1, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Instance(inner);
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(Instance(element));
            return list;
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var key, var value])
        {
            var map = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, value))!;
            map.Add(Instance(key)!, Instance(value));
            return map;
        }

        var constructor = Constructor(type);
        return constructor.Invoke([.. constructor.GetParameters().Select(p => Instance(p.ParameterType))]);
    }
}
