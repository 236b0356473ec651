using Bpdp.Bench;

// Benchmarks report ratios against a baseline measured in the same run: these machines are shared and noisy.
return args.FirstOrDefault() switch
{
    "policy" => await PolicyBenchmark.Run(args.Skip(1).ToArray()),
    "ledger" => await LedgerBenchmark.Run(args.Skip(1).ToArray()),
    "coordinator" => await CoordinatorBenchmark.Run(args.Skip(1).ToArray()),
    "build" => await BuildBenchmark.Run(args.Skip(1).ToArray()),
    "push" => await PushBenchmark.Run(args.Skip(1).ToArray()),
    "scan" => await ScanBenchmark.Run(args.Skip(1).ToArray()),
    "promote" => await PromoteBenchmark.Run(args.Skip(1).ToArray()),
    "kpi-gate" => await KpiGateBenchmark.Run(args.Skip(1).ToArray()),
    "cutover" => await CutoverBenchmark.Run(args.Skip(1).ToArray()),
    "pipeline" => await Bpdp.Bench.Pipeline.PipelineBenchmark.Run(args.Skip(1).ToArray()),
    "scale" => await Bpdp.Bench.Scale.ScaleBenchmark.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bpdp-bench policy [--executor PATH] [--seconds N]");
    Console.Error.WriteLine("       bpdp-bench ledger [--postgres CONNECTION-STRING] [--entries N]   (default: $BPDP_TEST_POSTGRES)");
    Console.Error.WriteLine("       bpdp-bench coordinator [--postgres CONNECTION-STRING] [--deployments N]");
    Console.Error.WriteLine("       bpdp-bench build [--executor PATH]");
    Console.Error.WriteLine("       bpdp-bench cutover");
    Console.Error.WriteLine("       bpdp-bench pipeline [--deployments N] [--executor PATH] [--base OCI-LAYOUT] [--logs FILE]   (distributed too when scripts/services.sh env is set)");
    Console.Error.WriteLine("       bpdp-bench scale [--targets 10,30,60 | --agencies N] [--environments M] [--deployments K] [--faulty-percent P]");
    Console.Error.WriteLine("                        [--replica STAGE|none] [--output json] [--logs FILE] [--bus-only N]   (needs scripts/services.sh env)");
    Console.Error.WriteLine("       bpdp-bench kpi-gate [--interval SECONDS]   (default 1)");
    Console.Error.WriteLine("       bpdp-bench promote [--registry HOST:PORT] [--executor PATH] [--base OCI-LAYOUT]");
    Console.Error.WriteLine("       bpdp-bench scan [--megabytes N]   (default 100)");
    Console.Error.WriteLine("       bpdp-bench push [--registry HOST:PORT] [--executor PATH] [--base OCI-LAYOUT]   (default: $BPDP_TEST_REGISTRY)");
    return 2;
}
