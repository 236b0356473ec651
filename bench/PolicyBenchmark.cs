using System.Diagnostics;
using System.Globalization;
using System.Text;
using Bpdp.Policy;

namespace Bpdp.Bench;

/// <summary>
/// The policy executor's costs: in-process evaluations per second; over HTTP, the p50/p95 of
/// <c>POST /v1/evaluate</c> against two baselines on the same server — <c>GET /healthz</c> (no body) and
/// <c>POST /v1/validate</c> (the same body read, parsed and validated, not decided) — requests interleaved so all
/// see the same noise; and the executor's resident memory idle and under load.
/// </summary>
internal static class PolicyBenchmark
{
    private static readonly string[] Cases =
    [
        """{"injuries": 1, "severity": "critical", "fatality": true, "workers": 40, "industry": "manufacturing", "incidentOn": "2026-11-02"}""",
        """{"injuries": 2, "severity": "serious", "fatality": false, "hospitalized": 1, "workers": 15, "industry": "construction", "incidentOn": "2026-11-04"}""",
        """{"injuries": 3, "severity": "serious", "fatality": false, "workers": 300, "industry": "warehousing", "incidentOn": "2026-11-05"}""",
        """{"injuries": 1, "severity": "minor", "fatality": false, "workers": 55, "industry": "other", "incidentOn": "2026-11-07"}""",
    ];

    public static async Task<int> Run(string[] args)
    {
        var root = Bpdp.Testing.RepositoryRoot.Path;
        var policyPath = Path.Combine(root, "examples", "haz-fast", "v1.0.0.yaml");
        var executor = BenchArgs.Option(args, "--executor") ?? Environment.GetEnvironmentVariable("BPDP_EXECUTOR_BINARY") ?? Path.Combine(root, "artifacts", "executor", "bpdp-executor");
        var seconds = int.Parse(BenchArgs.Option(args, "--seconds") ?? "10", CultureInfo.InvariantCulture);

        InProcess(policyPath, seconds);
        if (!File.Exists(executor))
        {
            Console.Error.WriteLine($"No executor binary at {executor}: run scripts/publish-executor.sh first.");
            return 1;
        }

        await OverHttp(executor, policyPath, seconds);
        return 0;
    }

    private static void InProcess(string policyPath, int seconds)
    {
        var policy = PolicyValidator.Validate(File.ReadAllText(policyPath)).Policy!;
        var cases = Cases.Select(c => policy.Cases.ValidateJson(System.Text.Json.Nodes.JsonNode.Parse(c)).Values!).ToArray();
        var bodies = Cases.Select(c => System.Text.Json.Nodes.JsonNode.Parse(c)).ToArray();

        for (var i = 0; i < 10_000; i++)
        {
            policy.Evaluate(cases[i % cases.Length]);
        }

        var evaluations = Measure(seconds / 2.0, i => policy.Evaluate(cases[i % cases.Length]));
        var validated = Measure(seconds / 2.0, i => policy.Evaluate(policy.Cases.ValidateJson(bodies[i % bodies.Length]).Values!));
        Console.WriteLine($"in-process evaluate: {evaluations:N0}/s; validate + evaluate: {validated:N0}/s");
        foreach (var single in cases)
        {
            Console.WriteLine($"  case decided by {policy.Evaluate(single).Rule}: {Measure(0.5, _ => policy.Evaluate(single)):N0}/s");
        }
    }

    private static double Measure(double seconds, Action<int> work)
    {
        var watch = Stopwatch.StartNew();
        var count = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 1000; i++)
            {
                work(count++);
            }
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task OverHttp(string executor, string policyPath, int seconds)
    {
        var port = Bpdp.Testing.FreeTcpPort.Next();
        using var process = Process.Start(new ProcessStartInfo(executor)
        {
            RedirectStandardOutput = true,
            Environment = { ["BPDP_POLICY"] = policyPath, ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}", ["Logging__LogLevel__Default"] = "Warning" },
        })!;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReady(http);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var idleRss = Rss(process.Id);
            var fileSize = new FileInfo(executor).Length;

            var evaluate = new List<double>();
            var noop = new List<double>();
            var validate = new List<double>();
            var watch = Stopwatch.StartNew();
            for (var i = 0; watch.Elapsed.TotalSeconds < seconds; i++)
            {
                noop.Add(await Time(() => http.GetAsync("/healthz")));
                validate.Add(await Time(() => http.PostAsync("/v1/validate", new StringContent(Cases[i % Cases.Length], Encoding.UTF8, "application/json"))));
                evaluate.Add(await Time(() => http.PostAsync("/v1/evaluate", new StringContent(Cases[i % Cases.Length], Encoding.UTF8, "application/json"))));
            }

            var peakRss = await UnderLoad(http, process.Id, seconds);
            evaluate.Sort();
            noop.Sort();
            validate.Sort();
            double p50 = Percentiles.Of(evaluate, 50), p95 = Percentiles.Of(evaluate, 95), n50 = Percentiles.Of(noop, 50), n95 = Percentiles.Of(noop, 95);
            double v50 = Percentiles.Of(validate, 50), v95 = Percentiles.Of(validate, 95);
            Console.WriteLine($"executor binary: {fileSize / 1024.0 / 1024.0:F1} MiB");
            Console.WriteLine($"HTTP, {evaluate.Count:N0} sequential requests each: evaluate p50 {p50:F3} ms, p95 {p95:F3} ms; no-op p50 {n50:F3} ms, p95 {n95:F3} ms");
            Console.WriteLine($"evaluation adds {(p95 / n95 - 1) * 100:F0}% to the no-op request's p95 (ratio {p95 / n95:F2}); p50 ratio {p50 / n50:F2}");
            Console.WriteLine($"POST baseline (/v1/validate: same body parsed and validated) p50 {v50:F3} ms, p95 {v95:F3} ms; "
                + $"evaluate ÷ it: p95 {p95 / v95:F2} (goal ≤ 1.5), p50 {p50 / v50:F2}");
            Console.WriteLine($"executor RSS: idle {idleRss / 1024.0:F1} MiB, peak under 16-way load {peakRss / 1024.0:F1} MiB");
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task<long> UnderLoad(HttpClient http, int pid, int seconds)
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds / 2.0));
        var workers = Enumerable.Range(0, 16).Select(async w =>
        {
            for (var i = w; !stop.IsCancellationRequested; i++)
            {
                using var _ = await http.PostAsync("/v1/evaluate", new StringContent(Cases[i % Cases.Length], Encoding.UTF8, "application/json"));
            }
        }).ToList();
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, Rss(pid));
            await Task.Delay(100);
        }

        await Task.WhenAll(workers);
        return Math.Max(peak, Rss(pid));
    }

    private static async Task<double> Time(Func<Task<HttpResponseMessage>> request)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await request();
        await response.Content.ReadAsByteArrayAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return response.IsSuccessStatusCode ? elapsed : throw new InvalidOperationException($"request failed: {(int)response.StatusCode}");
    }

    private static async Task WaitReady(HttpClient http)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the executor did not become ready within 30 s");
    }

    /// <summary>Resident set size in KiB, from /proc.</summary>
    private static long Rss(int pid) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).Single();
}
