using BenchmarkDotNet.Attributes;
using Dsl.Generator;
using Dsl.Generator.Model;

namespace Dsl.Benchmarks;

/// <summary>What the generator does per .cmodel file on each edit: parse, bind, cost and emit.</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private readonly Dictionary<string, CModelFile> _files = new();

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    public static IEnumerable<string> Files() => new[] { "FashionResNet.cmodel", "DeiTSmall.cmodel", "EdsrBaseline.cmodel", "Stress1000.cmodel" };

    [GlobalSetup]
    public void Setup()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples");
        foreach (var path in Directory.GetFiles(samples, "*.cmodel", SearchOption.AllDirectories))
            _files[Path.GetFileName(path)] = new CModelFile(path, System.IO.File.ReadAllText(path));
        _files["Stress1000.cmodel"] = new CModelFile("Stress1000.cmodel", StressFile.Create(1000));
        var output = CModelGenerator.Compile(_files[File], "Bench");
        if (output.Sources.Count == 0) throw new InvalidOperationException($"{File} generated nothing: {string.Join("; ", output.Diagnostics)}");
    }

    [Benchmark]
    public int ParseBindCostEmit() => CModelGenerator.Compile(_files[File], "Bench").Sources.Count;
}
