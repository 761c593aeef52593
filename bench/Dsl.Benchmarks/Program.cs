using BenchmarkDotNet.Running;

// `throughput [threads]` prints training images/s for bench/compare-pytorch.sh; anything else
// goes to BenchmarkDotNet (for example --filter '*').
if (args.Length > 0 && args[0] == "throughput")
{
    Dsl.Benchmarks.Throughput.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Dsl.Benchmarks.CompileBenchmarks).Assembly).Run(args);
