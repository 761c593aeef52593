using System;
using System.Collections.Generic;
using System.IO;
using Dsl.Onnx;
using Dsl.Parser;
using Dsl.Runtime.Checkpoints;
using Dsl.Runtime.Data;
using Dsl.Runtime.Weights;

namespace Dsl.Cli;

/// <summary>
/// `cmodel export FILE --model NAME --weights W --out model.onnx`: writes a trained model as ONNX
/// (opset 17) for ONNX Runtime and the tools that read it; what the back end cannot lower is a
/// located error in the .cmodel file, and nothing is written.
/// </summary>
internal static class ExportCommand
{
    public const string Usage = "cmodel export FILE [--model NAME] --weights W.pt|.safetensors|.ckpt --out MODEL.onnx [--lib FILE]...";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parsed = VerbArguments.Parse(args, new[] { "model", "weights", "out" }, Array.Empty<string>(), out var problem);
        if (parsed == null) return Fail(stderr, problem);
        foreach (var required in new[] { "weights", "out" })
        {
            if (parsed[required] == null) return Fail(stderr, $"--{required} is required");
        }
        var type = ModelChoice.Resolve(parsed, stderr, out var choiceError);
        if (type == null) return choiceError.Length == 0 ? CommandLine.FileErrors : Fail(stderr, choiceError);
        var text = File.ReadAllText(parsed.File);
        var compilation = CModelCompiler.Compile(parsed.File, text, project: parsed.Libraries);
        var problems = OnnxSupport.Check(compilation, text, type.Name);
        foreach (var d in problems) stderr.WriteLine(d);
        if (problems.Count > 0) return CommandLine.FileErrors;

        using var model = InMemoryModels.Create(type);
        var weights = parsed["weights"]!;
        try
        {
            if (weights.EndsWith(".ckpt", StringComparison.OrdinalIgnoreCase))
            {
                Checkpoint.LoadWeights(weights, model);
            }
            else
            {
                var report = PyTorchWeights.Load(model, weights, strict: false);
                if (report.Missing.Count > 0 || report.Mismatched.Count > 0) return Fail(stderr, $"{weights} does not fit {type.Name}:\n{report}");
            }
            var result = OnnxExport.Export(compilation, text, type.Name, model, parsed["out"]!);
            stdout.WriteLine($"wrote {result.Path}: {type.Name}, {result.Nodes} nodes, {result.Bytes / 1024.0:0.0} KiB, opset 17; input {string.Join(", ", result.Inputs)}, output {string.Join(", ", result.Outputs)}");
            return CommandLine.Ok;
        }
        catch (Exception e) when (e is IOException or DataFormatException or OnnxExportException or UnauthorizedAccessException)
        {
            return Fail(stderr, e.Message);
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("cmodel export: " + message);
        return CommandLine.Usage;
    }
}
