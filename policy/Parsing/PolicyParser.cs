using System.Text;
using System.Text.RegularExpressions;
using Bpdp.Contracts;
using Bpdp.Policy;
using Bpdp.Policy.Model;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>
/// Reads a policy module from YAML into <see cref="PolicyModule"/>, reporting every structural error
/// (missing and unknown fields, wrong types, bad names and versions, limits) with its position.
/// Conditions are only read here; <see cref="PolicyValidator"/> compiles and lints them.
/// </summary>
public static partial class PolicyParser
{
    public const string ApiVersion = "bpdp.io/v1";
    public const string Kind = "PolicyModule";

    public static (PolicyModule? Module, IReadOnlyList<PolicyError> Errors) Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var size = Encoding.UTF8.GetByteCount(yaml);
        if (size > PolicyLimits.MaxFileBytes)
        {
            return (null, [new PolicyError(1, 1, "", $"The policy is {size} bytes; the limit is {PolicyLimits.MaxFileBytes} bytes (1 MiB). Split it into smaller modules.")]);
        }

        YamlNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count != 1)
            {
                return (null, [new PolicyError(1, 1, "", $"A policy file holds exactly one YAML document; this one holds {stream.Documents.Count}.")]);
            }

            root = stream.Documents[0].RootNode;
        }
        catch (YamlException error)
        {
            var message = (error.InnerException?.Message ?? error.Message).Trim();
            return (null, [new PolicyError(checked((int)error.Start.Line), checked((int)error.Start.Column), "", $"Not valid YAML: {message}")]);
        }

        var reader = new NodeReader();
        var module = ReadModule(reader, root);
        var errors = reader.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
        return (errors.Count == 0 ? module : null, errors);
    }

    private static PolicyModule? ReadModule(NodeReader reader, YamlNode root)
    {
        if (reader.Mapping(root, "the document") is not { } document)
        {
            return null;
        }

        reader.RejectUnknownKeys(document, "", "apiVersion", "kind", "metadata", "spec", "deploy");
        var apiVersion = reader.RequiredText(document, "apiVersion", "", $"it must be {ApiVersion}");
        if (apiVersion is not null && apiVersion != ApiVersion)
        {
            reader.Error(reader.Child(document, "apiVersion")!, "apiVersion", $"apiVersion is '{apiVersion}'; this version of BPDP reads '{ApiVersion}'.");
        }

        var kind = reader.RequiredText(document, "kind", "", $"it must be {Kind}");
        if (kind is not null && kind != Kind)
        {
            reader.Error(reader.Child(document, "kind")!, "kind", $"kind is '{kind}'; a policy module's kind is '{Kind}'.");
        }

        var metadata = reader.Required(document, "metadata", "", "name, version, agency and title") is { } m ? ReadMetadata(reader, m) : null;
        var spec = reader.Required(document, "spec", "", "inputs, rules, default and samples") is { } s ? reader.Mapping(s, "spec") : null;
        var deploy = reader.Child(document, "deploy") is { } d ? DeployReader.Read(reader, d) : DeploySettings.Default;
        if (spec is null)
        {
            return null;
        }

        reader.RejectUnknownKeys(spec, "spec", "inputs", "rules", "default", "samples");
        var inputs = SpecReader.Inputs(reader, spec);
        var rules = SpecReader.Rules(reader, spec);
        var fallback = reader.Required(spec, "default", "spec", "the outcome when no rule matches") is { } f ? SpecReader.Outcome(reader, f, "spec.default") : null;
        var samples = SpecReader.Samples(reader, spec);

        return metadata is null || fallback is null || apiVersion is null || kind is null
            ? null
            : new PolicyModule(apiVersion, metadata, inputs, rules, fallback, samples, deploy);
    }

    private static PolicyMetadata? ReadMetadata(NodeReader reader, YamlNode node)
    {
        if (reader.Mapping(node, "metadata") is not { } map)
        {
            return null;
        }

        reader.RejectUnknownKeys(map, "metadata", "name", "version", "agency", "title", "description");
        var name = reader.RequiredText(map, "name", "metadata", "a DNS label such as haz-fast");
        if (name is not null && NameProblem(name) is { } problem)
        {
            reader.Error(reader.Child(map, "name")!, "metadata.name", problem);
        }

        var version = reader.RequiredText(map, "version", "metadata", "a SemVer version such as 1.0.0");
        if (version is not null && !SemVer().IsMatch(version))
        {
            reader.Error(reader.Child(map, "version")!, "metadata.version", $"metadata.version '{version}' is not a SemVer version (MAJOR.MINOR.PATCH, e.g. 1.0.0).");
        }

        var agency = reader.RequiredText(map, "agency", "metadata", "the owning agency, e.g. osha");
        if (agency is not null && !DnsLabel().IsMatch(agency))
        {
            reader.Error(reader.Child(map, "agency")!, "metadata.agency", $"metadata.agency '{agency}' is not a DNS label: use lowercase letters, digits and '-'.");
        }

        var title = reader.RequiredText(map, "title", "metadata", "a human-readable title");
        var description = reader.OptionalText(map, "description", "metadata");
        return name is null || version is null || agency is null || title is null
            ? null
            : new PolicyMetadata(name, version, agency, title, description);
    }

    /// <summary>
    /// A policy name becomes the names of its Kubernetes objects (Service <c>P</c>, Service <c>P-preview</c>,
    /// Deployments <c>P-blue</c> and <c>P-green</c>), so it must be a DNS label that stays one with those
    /// suffixes: at most <see cref="PolicyLimits.MaxNameLength"/> characters, starting with a letter (a DNS-1035
    /// label, as Services require), and not itself ending in a suffix, which would collide with another
    /// policy's object.
    /// </summary>
    private static string? NameProblem(string name)
    {
        if (!DnsLabel().IsMatch(name))
        {
            return $"metadata.name '{name}' is not a DNS label: use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit.";
        }

        if (name.Length > PolicyLimits.MaxNameLength)
        {
            return $"metadata.name '{name}' is {name.Length} characters; the limit is {PolicyLimits.MaxNameLength}, "
                + $"so that the Kubernetes object names made from it ('{name}-preview' is the longest) stay within 63.";
        }

        if (!char.IsAsciiLetterLower(name[0]))
        {
            return $"metadata.name '{name}' must start with a letter: its Kubernetes Services need a DNS-1035 label.";
        }

        if (ReservedSuffixes.FirstOrDefault(s => name.EndsWith(s, StringComparison.Ordinal) && name.Length > s.Length) is { } suffix)
        {
            return $"metadata.name '{name}' ends in '{suffix}', which BPDP adds to policy names: "
                + $"it would collide with the objects of policy '{name[..^suffix.Length]}' (its Service '{name}'). Choose a name without that ending.";
        }

        return null;
    }

    private static readonly string[] ReservedSuffixes = ["-preview", "-blue", "-green"];

    /// <summary>A DNS label (RFC 1123): 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit.</summary>
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\z", RegexOptions.NonBacktracking)]
    public static partial Regex DnsLabel();

    [GeneratedRegex(
        @"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z",
        RegexOptions.NonBacktracking)]
    private static partial Regex SemVer();
}
