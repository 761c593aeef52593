using BenchmarkDotNet.Running;

// `throughput [threads] [--glibc-defaults]` prints training images/s for bench/compare-pytorch.sh; `tokens [batch]
// [rounds]` times DeiT-S against DeiT-S under DiffRate's published schedule; `hostile` times the
// front end on fuzzing's reproducers and on growing unclosed inputs; anything else goes
// to BenchmarkDotNet (for example --filter '*'). `selection [chart.png]` times DFSQ's point selection
// against the exhaustive search for growing universal sets; `winograd [channels] [frames] [size] [batch]
// [rounds]` times a 3×3×3 layer as conv3d and in the Winograd domain with fewer positions; `onnx [rounds]` times
// exported models in ONNX Runtime against TorchSharp; `binary [batch] [rounds]` times the packed XNOR kernels
// against float conv2d on the ReBNN sample's layers and whole model; `dataparallel [model] [batch] [samples] [--sync-bn]` and
// `allreduce [maxMB]` time data-parallel training and MPI all-reduce (bench/distributed.sh runs them alone and under mpirun).
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
if (args.Length > 0 && args[0] == "winograd")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    Dsl.Benchmarks.WinogradSpeed.Run(channels: Arg(1, 32), frames: Arg(2, 8), size: Arg(3, 16), batch: Arg(4, 8), rounds: Arg(5, 7));
    return;
}
if (args.Length > 0 && args[0] == "onnx")
{
    Dsl.Benchmarks.OnnxSpeed.Run(rounds: args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15);
    return;
}
if (args.Length > 0 && args[0] == "binary")
{
    int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    Dsl.Benchmarks.BinaryKernelSpeed.Run(batch: Arg(1, 64), rounds: Arg(2, 21));
    return;
}
if (args.Length > 0 && args[0] == "dataparallel")
{
    Dsl.Benchmarks.DataParallelSpeed.Train(args.Length > 1 ? args[1] : "FashionResNet", args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 128,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 2560, syncBatchNorm: args.Contains("--sync-bn"));
    return;
}
if (args.Length > 0 && args[0] == "allreduce")
{
    Dsl.Benchmarks.DataParallelSpeed.AllReduce(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64);
    return;
}
if (args.Length > 0 && args[0] == "selection")
{
    Dsl.Benchmarks.PointSelectionSpeed.Run(args.Length > 1 ? args[1] : "point-selection.png");
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(Dsl.Benchmarks.CompileBenchmarks).Assembly).Run(args);
