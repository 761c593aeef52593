using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Dsl.Benchmarks.CompileBenchmarks).Assembly).Run(args);
