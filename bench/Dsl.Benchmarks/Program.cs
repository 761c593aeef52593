using BenchmarkDotNet.Running;

// `throughput [threads] [--glibc-defaults]` prints training images/s for bench/compare-pytorch.sh; `tokens [batch]
// [rounds]` times DeiT-S against DeiT-S under DiffRate's published schedule; `hostile` times the
// front end on fuzzing's reproducers and on growing unclosed inputs; anything else goes
// to BenchmarkDotNet (for example --filter '*'). `selection [chart.png]` times DFSQ's point selection
// against the exhaustive search for growing universal sets.
if (args.Length > 0 && args[0] == "throughput")
{
    Dsl.Benchmarks.Throughput.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount,
        keepFreedMemory: !args.Contains("--glibc-defaults"));
    return;
}
if (args.Length > 0 && args[0] == "hostile")
{
    Dsl.Benchmarks.HostileInputs.Run();
    return;
}
if (args.Length > 0 && args[0] == "tokens")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    Dsl.Benchmarks.TokenSpeedup.Run(batch: Arg(1, 64), rounds: Arg(2, 5));
    return;
}
if (args.Length > 0 && args[0] == "selection")
{
    Dsl.Benchmarks.PointSelectionSpeed.Run(args.Length > 1 ? args[1] : "point-selection.png");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Dsl.Benchmarks.CompileBenchmarks).Assembly).Run(args);
