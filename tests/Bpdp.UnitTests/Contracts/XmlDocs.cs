using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Bpdp.UnitTests.Contracts;

/// <summary>Reads type and record-parameter summaries from an assembly's XML documentation file.</summary>
internal sealed partial class XmlDocs
{
    private static readonly ConcurrentDictionary<Assembly, XmlDocs> Cache = new();
    private readonly Dictionary<string, XElement> members;

    private XmlDocs(Dictionary<string, XElement> members) => this.members = members;

    public static XmlDocs For(Assembly assembly) => Cache.GetOrAdd(assembly, Load);

    public string? TypeSummary(Type type) =>
        members.TryGetValue($"T:{type.FullName}", out var member) ? Clean(member.Element("summary")) : null;

    /// <summary>A positional record documents its properties as <c>param</c>s of the type; other properties have their own entry.</summary>
    public string? PropertySummary(Type type, string propertyName)
    {
        if (members.TryGetValue($"P:{type.FullName}.{propertyName}", out var member))
        {
            return Clean(member.Element("summary"));
        }

        return members.TryGetValue($"T:{type.FullName}", out var typeMember)
            ? Clean(typeMember.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == propertyName))
            : null;
    }

    private static XmlDocs Load(Assembly assembly)
    {
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            // Without documentation the schemas carry no descriptions; the drift test then reports the difference.
            return new XmlDocs([]);
        }

        var members = XDocument.Load(path).Descendants("member")
            .Where(m => m.Attribute("name") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
        return new XmlDocs(members);
    }

    private static string? Clean(XElement? element)
    {
        if (element is null)
        {
            return null;
        }

        foreach (var reference in element.Descendants().Where(e => e.Name == "see" || e.Name == "paramref").ToList())
        {
            var target = (string?)reference.Attribute("cref") ?? (string?)reference.Attribute("name") ?? "";
            reference.ReplaceWith(target[(target.LastIndexOfAny([':', '.']) + 1)..]);
        }

        return Whitespace().Replace(element.Value, " ").Trim();
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
