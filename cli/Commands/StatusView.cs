using System.Text.Json;
using System.Text.Json.Nodes;
using Bpdp.Contracts;

namespace Bpdp.Cli.Commands;

/// <summary>A deployment's status as a line for people or an object for scripts.</summary>
public static class StatusView
{
    public static string Line(DeploymentStatus status, Served? serving = null) =>
        !status.Found
            ? $"{status.DeploymentId}: unknown to the Coordinator"
            : $"{status.DeploymentId}: {status.Target?.PolicyName} {status.Target?.PolicyVersion} → {status.Target?.Agency}/{status.Target?.Environment}: {status.State}"
              + (status.Stages is { Count: > 0 } stages ? $" ({string.Join(", ", stages.Select(s => $"{s.Stage} {((s.EndedAt ?? DateTimeOffset.UtcNow) - s.StartedAt).TotalSeconds:F1}s"))})" : "")
              + (status.WaitingFor is { } waiting ? $"; waiting for {waiting}" + Until(status.DeadlineAt) : "")
              + (status.LastError is { } error ? $"; {error}" : "")
              + (status.Kpis is { Count: > 0 } kpis ? "; KPIs: " + string.Join(", ", kpis.Select(Kpi)) : "")
              + (status.RefusedMessages > 0 ? $"; {status.RefusedMessages} message(s) refused (MessageRefused in the ledger)" : "")
              + (serving is null ? "" : "; serving: " + serving.Describe(status.DeploymentId));

    private static string Kpi(KpiSummary k) =>
        $"{(k.Phase == AnalysisPhase.PrePromotion ? "pre" : "post")} {k.Metric} {k.Measured} measured, {k.Failed} failed, last {Number(k.Last) ?? "none"}"
        + $" ({k.Condition ?? $"≤ {Number(k.Threshold)}"}{(k.DryRun ? ", dry run" : "")})";

    private static string? Number(double? value) => value?.ToString("G4", System.Globalization.CultureInfo.InvariantCulture);

    private static string Until(DateTimeOffset? deadline) => deadline is { } until ? $" — rolled back at {until:u} ({Left(until)} left) unless promoted" : "";

    private static string Left(DateTimeOffset until) => (until - DateTimeOffset.UtcNow) is var left && left > TimeSpan.Zero ? $"{(int)left.TotalMinutes} min {left.Seconds} s" : "no time";

    public static string Json(DeploymentStatus status, Served? serving = null) => new JsonObject
    {
        ["deploymentId"] = status.DeploymentId,
        ["found"] = status.Found,
        ["state"] = status.State,
        ["policy"] = status.Target?.PolicyName,
        ["version"] = status.Target?.PolicyVersion,
        ["agency"] = status.Target?.Agency,
        ["environment"] = status.Target?.Environment,
        ["lastError"] = status.LastError,
        ["waitingFor"] = status.WaitingFor,
        ["deadlineAt"] = status.DeadlineAt,
        ["kpis"] = System.Text.Json.JsonSerializer.SerializeToNode(status.Kpis ?? [], ContractJson.Options),
        ["refusedMessages"] = status.RefusedMessages,
        ["lateEvents"] = status.LateEvents,
        ["stages"] = new JsonArray([.. (status.Stages ?? []).Select(s => (JsonNode)new JsonObject { ["stage"] = s.Stage, ["startedAt"] = s.StartedAt, ["endedAt"] = s.EndedAt })]),
        ["serving"] = serving?.Json(status.DeploymentId),
    }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
