namespace Bpdp.Testing.Kubernetes;

/// <summary>A resource the fake API server serves, named as the real one names it in paths and error messages.</summary>
public sealed record ApiResource(string Plural, string Group, string Version, string Kind)
{
    public static readonly ApiResource Deployments = new("deployments", "apps", "v1", "Deployment");

    public static readonly ApiResource Services = new("services", "", "v1", "Service");

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>As error messages write it: <c>deployments.apps</c>, <c>services</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Deployments count spec changes in metadata.generation; Services do not.</summary>
    public bool TracksGeneration => Kind == "Deployment";

    /// <summary>A Service's delete answers with the deleted Service; a Deployment's with a Status of success.</summary>
    public bool AnswersDeleteWithObject => Kind == "Service";
}
