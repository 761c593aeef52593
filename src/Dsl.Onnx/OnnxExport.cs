using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Dsl.Onnx.Lowering;
using Dsl.Parser;
using Dsl.Parser.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Onnx;

/// <summary>What an export wrote: the file, its inputs and outputs by name, and its size.</summary>
public sealed record OnnxExportResult(string Path, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs, int Nodes, long Bytes);

/// <summary>
/// The ONNX back end: writes a trained module of a .cmodel model as an ONNX file (opset
/// <17), from the same IR the C# back end writes from and the module's
/// trained tensors. The module is read in evaluation mode (BatchNorm's running statistics, no
/// dropout) and left in the mode it was in.
/// </summary>
public static class OnnxExport
{
    /// <summary>
    /// Compiles <paramref name="cmodelPath"/> (with the .cmodel files beside it, whose blocks it may
    /// use) and exports <paramref name="module"/>, a trained instance of its model of the same name.
    /// </summary>
    public static OnnxExportResult Export(nn.Module module, string cmodelPath, string outputPath)
    {
        var text = File.ReadAllText(cmodelPath);
        var folder = Path.GetDirectoryName(Path.GetFullPath(cmodelPath))!;
        var library = Directory.GetFiles(folder, "*.cmodel").Where(p => Path.GetFullPath(p) != Path.GetFullPath(cmodelPath))
            .Select(p => (p, File.ReadAllText(p))).ToList();
        var compilation = CModelCompiler.Compile(cmodelPath, text, project: library);
        return Export(compilation, text, module.GetName(), module, outputPath);
    }

    /// <summary>Exports <paramref name="module"/>, a trained instance of <paramref name="model"/> in <paramref name="compilation"/> (compiled from <paramref name="text"/>).</summary>
    public static OnnxExportResult Export(CompilationResult compilation, string text, string model, nn.Module module, string outputPath)
    {
        if (compilation.HasErrors) throw new OnnxExportException(compilation.Diagnostics.Where(d => d.IsError));
        var problems = OnnxSupport.Check(compilation, text, model);
        if (problems.Count > 0) throw new OnnxExportException(problems);
        var result = compilation.Models.First(m => m.Class.Name == model);
        var graph = new OnnxGraph(model);
        var session = new ExportSession(graph, compilation, result.Cost);
        var inputs = result.Cost.NamedInputs.Count > 0
            ? result.Class.InputNames.Select(n => session.Record(graph.Input(n, Dims(result.Cost.NamedInputs.First(i => i.Name == n).Shape)), result.Cost.NamedInputs.First(i => i.Name == n).Shape)).ToList()
            : new List<string> { session.Record(graph.Input(result.Class.InputNames[0], Dims(result.Cost.Input)), result.Cost.Input) };
        var wasTraining = module.training;
        module.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var outputs = ClassLowering.Lower(session, result.Class, InstanceArguments.Defaults(result.Class), module, "", inputs);
            var names = result.Class.NamedOutputs.Count > 0 ? result.Class.NamedOutputs.Select(o => o.Name).ToList() : new List<string> { "output" };
            var shapes = result.Cost.NamedOutputs.Count > 0 ? result.Cost.NamedOutputs.Select(o => o.Shape).ToList() : new List<Dsl.Parser.Semantics.Shape> { result.Cost.Output };
            for (var i = 0; i < outputs.Count; i++) graph.Output(names[i], outputs[i], Dims(shapes[i]));
            graph.Save(outputPath);
            var written = graph.Model();
            return new OnnxExportResult(Path.GetFullPath(outputPath), written.Graph.Input.Select(v => v.Name).ToList(),
                written.Graph.Output.Select(v => v.Name).ToList(), written.Graph.Node.Count, new FileInfo(outputPath).Length);
        }
        finally
        {
            module.train(wasTraining);
        }
    }

    private static long[] Dims(Dsl.Parser.Semantics.Shape shape) => shape.Dims.Select(d => d.IsBatch ? -1 : d.Value).ToArray();
}
