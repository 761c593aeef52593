using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Diagnostics;
using Dsl.Parser.Semantics;
using Dsl.Parser.Text;

namespace Dsl.Parser.Layers;

/// <summary>
/// A layer the language knows: its arguments (PyTorch's names and defaults), how it changes a
/// shape, what it costs, and what its runtime factory <c>Layers.{Pascal(Name)}</c> takes
/// beyond the written arguments (the inferred input sizes).
/// </summary>
public abstract class LayerSpec
{
    public abstract string Name { get; }

    /// <summary>The kind of layer an annotation targets: conv, linear, norm, attention, ...</summary>
    public abstract string Family { get; }

    public virtual FieldStyle Style => FieldStyle.Module;

    public abstract IReadOnlyList<ParamSpec> Parameters { get; }

    /// <summary>
    /// Tensors it takes besides the one flowing in, passed by name (a decoder layer's
    /// <c>memory: m</c>), in the order its module's forward takes them after the first.
    /// </summary>
    public virtual IReadOnlyList<string> TensorInputs { get; } = new string[0];

    /// <summary>Output shape and cost; null after reporting why the layer cannot apply.</summary>
    public abstract LayerResult? Bind(LayerBinding b);

    /// <summary>What methods may ask of the layer without naming it.</summary>
    public virtual LayerTraits Traits => LayerTraits.None;

    /// <summary>The weight layers inside it, for methods that count per channel or per weight; null for a layer without weights.</summary>
    public virtual WeightLayers? Weights(Shape input, LayerResult result, BoundArguments args) => null;

    /// <summary>One weight layer with <paramref name="channels"/> outputs: its parameters less one bias per channel when it has a bias, each output reducing over an equal share.</summary>
    protected static WeightLayers Single(long channels, LayerResult result, BoundArguments args) =>
        new(new[] { new WeightShape(channels, (result.Params - (args.Scalar("bias")!.AsBool ? channels : 0)) / channels) });

    /// <summary>Of its MACs, those that multiply two activations (attention's Q·Kᵀ and A·V), not a weight.</summary>
    public virtual long ActivationProducts(Shape output) => 0;

    /// <summary>The same for one application, which also knows the tensors it took by name (a decoder's memory).</summary>
    public virtual long ActivationProducts(Shape output, IReadOnlyDictionary<string, Shape> sides) => ActivationProducts(output);

    /// <summary>How many attention matrices it computes (softmax(Q·Kᵀ)·V), each with its q, k, v and softmax activations.</summary>
    public virtual int Attentions => Traits.HasFlag(LayerTraits.TokenMixing) ? 1 : 0;
}

public sealed record LayerResult(Shape Output, long Macs, long Params);

/// <summary>What a layer is, for methods that must not compare layer names.</summary>
[System.Flags]
public enum LayerTraits
{
    None = 0,

    /// <summary>Mixes information across tokens (attention): where DiffRate reduces tokens after.</summary>
    TokenMixing = 1,

    /// <summary>One linear map over the last dimension (linear): a classifier that a distillation head can copy.</summary>
    Dense = 2,

    /// <summary>A transposed convolution: its weight's reduced dimension is not what its forward product sums.</summary>
    Transposed = 4,

    /// <summary>Acts on each channel alone and keeps their number (activations, pooling, upsampling, padding): a channel-slimming method passes through it.</summary>
    PerChannel = 8,
}

/// <summary>The weight layers inside a layer (attention's qkv and proj, an MLP's two linears), in order.</summary>
public sealed record WeightLayers(IReadOnlyList<WeightShape> Layers)
{
    /// <summary>Their output channels in all (one bias each).</summary>
    public long Channels => Layers.Sum(l => l.Outputs);

    /// <summary>Each one's weights.</summary>
    public IReadOnlyList<long> Sizes => Layers.Select(l => l.Size).ToList();

    public int Count => Layers.Count;
}

/// <summary>
/// One weight as [outputs, reduced]: its output channels, and what each output sums over
/// (in_features for a linear, C_in/groups·k_h·k_w for a convolution), the dimension an N:M
/// pattern runs along.
/// </summary>
public sealed record WeightShape(long Outputs, long Reduced)
{
    public long Size => Outputs * Reduced;
}

/// <summary>One application of a layer: its input, its checked arguments, and error reporting.</summary>
public sealed class LayerBinding
{
    private readonly DiagnosticBag _diagnostics;
    private readonly List<ConstructionArg> _inferred = new();

    internal LayerBinding(LayerSpec spec, Shape input, BoundArguments args, TextSpan span, DiagnosticBag diagnostics,
        IReadOnlyDictionary<string, Shape>? sides = null)
    {
        Sides = sides ?? new Dictionary<string, Shape>();
        Spec = spec;
        Input = input;
        Args = args;
        Span = span;
        _diagnostics = diagnostics;
    }

    public LayerSpec Spec { get; }
    public Shape Input { get; }

    /// <summary>The shapes of the tensors passed by name (<see cref="LayerSpec.TensorInputs"/>).</summary>
    public IReadOnlyDictionary<string, Shape> Sides { get; }

    public BoundArguments Args { get; }
    public TextSpan Span { get; }

    public IReadOnlyList<ConstructionArg> Inferred => _inferred;

    /// <summary>A constructor argument the runtime needs that the source does not write.</summary>
    public void Infer(string name, Size value) => _inferred.Add(new ConstructionArg(name, new ScalarCode(value.Expr)));

    public long Int(string name) => Args.Scalar(name)!.AsLong;

    public Size Size(string name) => Semantics.Size.Of(Args.Scalar(name)!);

    public bool Bool(string name) => Args.Scalar(name)!.AsBool;

    public double Float(string name) => Args.Scalar(name)!.Concrete;

    public IReadOnlyList<Size> Sizes(string name, int count) => Args.Ints(name, count).Select(Semantics.Size.Of).ToList();

    /// <summary>An int argument naming a dimension other than the batch (negative counts from the end), or null after reporting it.</summary>
    public int? NonBatchDim(string name)
    {
        var rank = Input.Rank;
        var dim = Int(name);
        var resolved = dim < 0 ? dim + rank : dim;
        if (resolved >= 1 && resolved < rank) return (int)resolved;
        ArgumentError(name, $"between 1 and {rank - 1} (or -{rank - 1} to -1) for input {Input}; the batch stays", dim.ToString());
        return null;
    }

    /// <summary>Checks the input rank; reports "conv2d expects [N, C, H, W] but got ...".</summary>
    public bool RequireRank(int min, int max, string layout, string? hint = null)
    {
        if (Input.Rank >= min && Input.Rank <= max) return true;
        ShapeError($"{Spec.Name} expects {layout} but got {Input}{(hint == null ? "" : "; " + hint)}");
        return false;
    }

    public void Warn(DiagnosticDescriptor descriptor, string message) => _diagnostics.Report(descriptor, Span, message);

    public void ShapeError(string message) => _diagnostics.Report(DiagnosticDescriptors.ShapeMismatch, Span, message);

    public void ArgumentError(string argument, string must, string actual) =>
        _diagnostics.Report(DiagnosticDescriptors.ArgumentRange, Args.SpanOf(argument), argument, Spec.Name, must, actual);

    public void NotDivisible(string message) => _diagnostics.Report(DiagnosticDescriptors.NotDivisible, Span, message);

    /// <summary>Spatial sizes of a list argument must match the spatial rank.</summary>
    public bool RequireArity(string name, int count)
    {
        if (Args[name].Value is ListValue l && l.Items.Count != count)
        {
            ArgumentError(name, $"an int or a list of {count} ints", Args[name].Value!.Describe());
            return false;
        }
        return true;
    }
}
