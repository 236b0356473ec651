using Bpdp.Policy.Model;

namespace Bpdp.KpiGate.Smoke;

/// <summary>
/// Cases for smoke traffic: the policy's own samples, and variations of them in which numbers, flags and
/// choices move to other valid values — zero, one, doubled, another listed value — so green meets the edges
/// of its input space (a division by a count of zero, say) before any user does.
/// </summary>
public sealed class SampleVariations(PolicyModule module, int seed = 0)
{
    private readonly Random random = new(seed);

    public IReadOnlyDictionary<string, object?> Next()
    {
        ArgumentNullException.ThrowIfNull(module);
        if (module.Samples.Count == 0)
        {
            return new Dictionary<string, object?>();
        }

        var sample = module.Samples[random.Next(module.Samples.Count)].Input;
        if (random.NextDouble() < 0.25)
        {
            return sample;
        }

        var varied = new Dictionary<string, object?>(sample, StringComparer.Ordinal);
        foreach (var field in module.Inputs)
        {
            if (random.NextDouble() >= 0.5 || !varied.TryGetValue(field.Name, out var value))
            {
                continue;
            }

            varied[field.Name] = field.Type switch
            {
                InputType.Number => Vary(value),
                InputType.Boolean when value is bool flag => !flag,
                InputType.Enum when field.Values.Count > 0 => field.Values[random.Next(field.Values.Count)],
                _ => value,
            };
        }

        return varied;
    }

    private object? Vary(object? value)
    {
        var number = value switch
        {
            long l => l,
            int i => i,
            double d => d,
            _ => 0,
        };
        // Zero is the edge most often missed (an empty establishment, a division by a count), so it comes up most.
        return random.Next(6) switch
        {
            0 or 1 => 0L,
            2 => 1L,
            3 => (long)Math.Round(number * 2),
            4 => (long)Math.Round(number) + 1,
            _ => (long)random.Next(0, 1000),
        };
    }
}
