using Bpdp.Policy.Model;
using YamlDotNet.RepresentationModel;

namespace Bpdp.Policy.Parsing;

/// <summary>Reads the <c>deploy</c> section; every field is optional and falls back to <see cref="DeploySettings.Default"/>.</summary>
internal static class DeployReader
{
    public static DeploySettings Read(NodeReader reader, YamlNode node)
    {
        var defaults = DeploySettings.Default;
        if (reader.Mapping(node, "deploy") is not { } map)
        {
            return defaults;
        }

        reader.RejectUnknownKeys(map, "deploy", "replicas", "kpis", "analysis", "soak", "smokeTrafficPerSecond", "postPromotionSmokeTrafficPerSecond", "metrics", "promotion");
        var kpis = reader.Child(map, "kpis") is { } k && reader.Mapping(k, "deploy.kpis") is { } kpiMap ? Kpis(reader, kpiMap) : defaults.Kpis;
        var analysis = reader.Child(map, "analysis") is { } a && reader.Mapping(a, "deploy.analysis") is { } analysisMap ? Analysis(reader, analysisMap) : defaults.Analysis;
        return new DeploySettings(
            reader.Integer(map, "replicas", "deploy", defaults.Replicas, 1, 100),
            kpis,
            analysis,
            reader.Duration(map, "soak", "deploy", defaults.Soak, TimeSpan.Zero, TimeSpan.FromHours(24)),
            reader.Number(map, "smokeTrafficPerSecond", "deploy", defaults.SmokeTrafficPerSecond, 0, 1000))
        {
            Metrics = reader.Child(map, "metrics") is { } metrics ? MetricsReader.Read(reader, metrics) : [],
            ManualPromotion = Choice(reader, map, "promotion", "deploy", "auto", "manual") == "manual",
            PostPromotionSmokeTrafficPerSecond = reader.Number(map, "postPromotionSmokeTrafficPerSecond", "deploy", 0, 0, 1000),
        };
    }

    private static KpiThresholds Kpis(NodeReader reader, YamlMappingNode map)
    {
        var defaults = KpiThresholds.Default;
        reader.RejectUnknownKeys(map, "deploy.kpis", "errorRateMax", "p95WaitTimeMax");
        return new KpiThresholds(
            reader.Number(map, "errorRateMax", "deploy.kpis", defaults.ErrorRateMax, 0, 1),
            reader.Duration(map, "p95WaitTimeMax", "deploy.kpis", defaults.P95WaitTimeMax, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(1)));
    }

    private static AnalysisSettings Analysis(NodeReader reader, YamlMappingNode map)
    {
        var defaults = AnalysisSettings.Default;
        reader.RejectUnknownKeys(map, "deploy.analysis", "interval", "count", "failureLimit", "inconclusiveLimit", "consecutiveErrorLimit", "onInconclusive");
        return new AnalysisSettings(
            reader.Duration(map, "interval", "deploy.analysis", defaults.Interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
            reader.Integer(map, "count", "deploy.analysis", defaults.Count, 1, 1000),
            reader.Integer(map, "failureLimit", "deploy.analysis", defaults.FailureLimit, 0, 1000),
            reader.Integer(map, "inconclusiveLimit", "deploy.analysis", defaults.InconclusiveLimit, 0, 1000),
            reader.Integer(map, "consecutiveErrorLimit", "deploy.analysis", defaults.ConsecutiveErrorLimit, 0, 1000))
        {
            PauseOnInconclusive = Choice(reader, map, "onInconclusive", "deploy.analysis", "pause", "rollback") == "pause",
        };
    }

    /// <summary>One of two words; the first when the key is absent or wrong (the error is recorded).</summary>
    private static string Choice(NodeReader reader, YamlMappingNode map, string key, string path, string first, string second)
    {
        var value = reader.OptionalText(map, key, path);
        if (value is null || value == first || value == second)
        {
            return value ?? first;
        }

        reader.Error(reader.Child(map, key)!, NodeReader.Join(path, key), $"{NodeReader.Join(path, key)} is '{value}'; use {first} or {second}.");
        return first;
    }
}
