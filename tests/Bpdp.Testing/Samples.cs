using System.Security.Cryptography;
using System.Text;
using Bpdp.Contracts;

namespace Bpdp.Testing;

/// <summary>Well-formed sample messages for tests.</summary>
public static class Samples
{
    public const string PolicyYaml = """
        apiVersion: bpdp.io/v1
        kind: PolicyModule
        metadata:
          name: haz-fast
          version: 1.0.0
          agency: osha
        """;

    public static ArtifactApproved Approval(Guid? deploymentId = null) => new(
        DeploymentId: deploymentId ?? Guid.NewGuid(),
        OccurredAt: new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero),
        PolicyName: "haz-fast",
        PolicyVersion: "1.0.0",
        Agency: "osha",
        Environment: "production",
        PolicyYaml: PolicyYaml,
        PolicySha256: Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PolicyYaml))),
        ApproverId: "jane.doe@osha.example",
        ApproverKeyId: "approvals-2026",
        ApprovalReference: "CHG-2026-0042",
        ApprovedAt: new DateTimeOffset(2026, 11, 27, 9, 15, 0, 123, TimeSpan.Zero),
        Signature: "MEUCIQDexampleexampleexampleexampleexampleexampleexampleAiBexampleexampleexampleexampleexampleexample");

    /// <summary>The documented example body of contracts/examples/ArtifactApproved.json, as an outside publisher sends it.</summary>
    public static string ExampleApprovalJson { get; } = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "contracts", "examples", "ArtifactApproved.json"));

    /// <summary>The example body with its deployment id replaced, so each test follows its own message.</summary>
    public static string ExampleApprovalJsonFor(Guid deploymentId)
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(ExampleApprovalJson)!.AsObject();
        json["deploymentId"] = deploymentId.ToString();
        return json.ToJsonString();
    }
}
