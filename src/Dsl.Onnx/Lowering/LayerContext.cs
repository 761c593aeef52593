using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Runtime.LowBit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Onnx.Lowering;

/// <summary>
/// One layer being lowered: its arguments as the .cmodel file gave them (evaluated), the trained
/// runtime module that holds its tensors, its inputs, and the state-dict name its nodes are named after.
/// </summary>
internal sealed class LayerContext
{
    private readonly IReadOnlyDictionary<string, object?> _args;

    public LayerContext(OnnxGraph graph, string name, string layer, IReadOnlyDictionary<string, object?> args, nn.Module? module, IReadOnlyList<string> inputs)
    {
        Graph = graph;
        Name = name;
        Layer = layer;
        _args = args;
        Module = module;
        Inputs = inputs;
    }

    public OnnxGraph Graph { get; }

    /// <summary>The field's state-dict key (blocks.0.attn); nodes and initializers are named after it.</summary>
    public string Name { get; }

    /// <summary>The layer's name in the language (conv2d).</summary>
    public string Layer { get; }

    /// <summary>The trained runtime module (null for a Parameter field, which <see cref="Parameter"/> holds).</summary>
    public nn.Module? Module { get; }

    public Parameter? Parameter { get; init; }

    /// <summary>The export this layer belongs to: shapes, and the state methods carry through forward.</summary>
    public ExportSession? Session { get; init; }

    /// <summary>The first input's shape as the compiler inferred it (its rank is what lowerings need), when known.</summary>
    public Dsl.Parser.Semantics.Shape? InputShape { get; init; }

    /// <summary>The first input's rank; a lowering that needs it fails clearly when it is unknown.</summary>
    public int InputRank => InputShape?.Rank ?? throw new OnnxExportException($"{Name}: the shape of this layer's input is not known");

    public IReadOnlyList<string> Inputs { get; }

    public string Input => Inputs[0];

    public bool Has(string arg) => _args.TryGetValue(arg, out var v) && v != null;

    public long Long(string arg, long fallback) => _args.TryGetValue(arg, out var v) && v is double d ? (long)d : fallback;

    public double Real(string arg, double fallback) => _args.TryGetValue(arg, out var v) && v is double d ? d : fallback;

    public bool Flag(string arg, bool fallback) => _args.TryGetValue(arg, out var v) && v is double d ? d != 0 : fallback;

    public string Word(string arg, string fallback) => _args.TryGetValue(arg, out var v) && v is string s ? s : fallback;

    /// <summary>A size argument for <paramref name="rank"/> dimensions: one number for all, or one each (as Sizes.For does).</summary>
    public long[] Sizes(string arg, int rank, long fallback) => _args.TryGetValue(arg, out var v) ? v switch
    {
        double d => Enumerable.Repeat((long)d, rank).ToArray(),
        double[] list when list.Length == rank => list.Select(x => (long)x).ToArray(),
        double[] list when list.Length == 1 => Enumerable.Repeat((long)list[0], rank).ToArray(),
        null => Enumerable.Repeat(fallback, rank).ToArray(),
        _ => throw new OnnxExportException($"{Name}: {arg} has {((double[])v).Length} values, not {rank}"),
    } : Enumerable.Repeat(fallback, rank).ToArray();

    /// <summary>A list argument as it was written (reshape's shape, permute's order).</summary>
    public long[] List(string arg) => _args.TryGetValue(arg, out var v) ? v switch
    {
        double d => new[] { (long)d },
        double[] list => list.Select(x => (long)x).ToArray(),
        _ => new long[0],
    } : new long[0];

    public string Node(string op, IReadOnlyList<string> inputs, params OnnxAttribute[] attributes) => Graph.Node(op, inputs, Name, attributes);

    public string Initializer(string suffix, Tensor tensor) => Graph.Initializer(Name + "." + suffix, tensor);

    /// <summary>The context of a runtime module's child (attention's qkv), for composite layers.</summary>
    public LayerContext Child(string child, IReadOnlyList<string> inputs) =>
        new(Graph, Name + "." + child, Layer, _args, Children(Module!).TryGetValue(child, out var m) ? m : null, inputs) { InputShape = InputShape, Session = Session };

    /// <summary>A parameter or buffer of <paramref name="module"/> (this layer's by default) by its state-dict name.</summary>
    public Tensor Tensor(string key, nn.Module? module = null)
    {
        var owner = module ?? Module ?? throw new OnnxExportException($"{Name}: no module holds '{key}'");
        var found = owner.named_parameters(recurse: false).Select(p => ((string, Tensor))(p.name, p.parameter))
            .Concat(owner.named_buffers(recurse: false).Select(b => (b.name, b.buffer)))
            .FirstOrDefault(t => t.Item1 == key);
        return found.Item2 ?? throw new OnnxExportException($"{Name}: the trained module has no tensor '{key}'");
    }

    public Tensor? OptionalTensor(string key, nn.Module? module = null)
    {
        var owner = module ?? Module;
        if (owner is null) return null;
        return owner.named_parameters(recurse: false).Where(p => p.name == key).Select(p => (Tensor)p.parameter).FirstOrDefault()
            ?? owner.named_buffers(recurse: false).Where(b => b.name == key).Select(b => b.buffer).FirstOrDefault();
    }

    /// <summary>
    /// The input and weight of a layer with weights (linear, convolution) after the layer's
    /// compression: a plain module gives them as they are; a low bit-width layer passes its input
    /// through its input transform and its weight through its weight transform, each lowered by
    /// its method; the bias is never compressed.
    /// </summary>
    public (string Input, string Weight, string? Bias) Weighted(long outputAxis)
    {
        var module = Module ?? throw new OnnxExportException($"{Name}: the trained model has no module here");
        var bias = OptionalTensor("bias", module);
        var input = module is LowBitLayer ? ActivationTransform("input_quant", Input) : Input;
        var weight = WeightOf("weight", module is LowBitLayer ? "weight_quant" : null, outputAxis);
        return (input, weight, bias is null ? null : Initializer("bias", bias));
    }

    /// <summary>This layer's tensor <paramref name="key"/> as it reaches its operation: through the weight transform <paramref name="transform"/> (a child module) when there is one.</summary>
    public string WeightOf(string key, string? transform, long outputAxis)
    {
        var module = Module ?? throw new OnnxExportException($"{Name}: the trained model has no module here");
        WeightValue value = new ConstantWeight(Tensor(key, module));
        if (transform != null && Children(module).TryGetValue(transform, out var weightTransform)) value = Transforms.Weight(this, weightTransform, value, outputAxis);
        return value switch
        {
            ConstantWeight c => Initializer(key, c.Tensor),
            GraphWeight g => g.Name,
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>A runtime child module applied to an activation (attention's q_quant), if present.</summary>
    public string ActivationTransform(string child, string input) =>
        Module is not null && Children(Module).TryGetValue(child, out var transform) ? Transforms.Activation(this, transform, input) : input;

    /// <summary>The context of a runtime child of any kind (DETR's attention, which takes three inputs).</summary>
    public LayerContext Part(string child, IReadOnlyList<string> inputs) =>
        new(Graph, Name + "." + child, Layer, _args, Module!.named_children().FirstOrDefault(c => c.name == child).module, inputs) { InputShape = InputShape, Session = Session };

    public static IReadOnlyDictionary<string, nn.Module<Tensor, Tensor>> Children(nn.Module module) =>
        module.named_children().Where(c => c.module is nn.Module<Tensor, Tensor>)
            .ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module, StringComparer.Ordinal);
}
