namespace Bpdp.Scanner.Secrets;

/// <summary>Shannon entropy in bits per character: random keys score high, words and placeholders low.</summary>
public static class Entropy
{
    public static double Of(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return 0;
        }

        var counts = new Dictionary<char, int>();
        foreach (var c in text)
        {
            counts[c] = counts.GetValueOrDefault(c) + 1;
        }

        var length = (double)text.Length;
        return -counts.Values.Sum(n => n / length * Math.Log2(n / length));
    }
}
