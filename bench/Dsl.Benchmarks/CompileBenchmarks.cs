using BenchmarkDotNet.Attributes;
using Dsl.Emitter;
using Dsl.Parser;

namespace Dsl.Benchmarks;

/// <summary>What the generator does per .cmodel file on each edit: parse, bind, cost and emit (CModelGenerator.Compile's work).</summary>
[MemoryDiagnoser]
public class CompileBenchmarks
{
    private readonly Dictionary<string, (string Path, string Text)> _files = new();

    [ParamsSource(nameof(Files))]
    public string File { get; set; } = "";

    public static IEnumerable<string> Files() => new[] { "FashionResNet.cmodel", "DeiTSmall.cmodel", "EdsrBaseline.cmodel", "Stress1000.cmodel" };

    [GlobalSetup]
    public void Setup()
    {
        var samples = Path.Combine(AppContext.BaseDirectory, "Samples");
        foreach (var path in Directory.GetFiles(samples, "*.cmodel", SearchOption.AllDirectories))
            _files[Path.GetFileName(path)] = (path, System.IO.File.ReadAllText(path));
        _files["Stress1000.cmodel"] = ("Stress1000.cmodel", StressFile.Create(1000));
        if (ParseBindCostEmit() == 0) throw new InvalidOperationException($"{File} generated nothing");
    }

    [Benchmark]
    public int ParseBindCostEmit()
    {
        var (path, text) = _files[File];
        return CSharpEmitter.EmitFile(CModelCompiler.Compile(path, text), "Bench").Count;
    }
}
