using System.Collections.Generic;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>Element-wise activations, dropout and stochastic depth: shape unchanged, no MACs.</summary>
public sealed class ElementwiseSpec : LayerSpec
{
    private readonly string _name;
    private readonly ParamSpec[] _parameters;

    private ElementwiseSpec(string name, params ParamSpec[] parameters)
    {
        _name = name;
        _parameters = parameters;
    }

    public override string Name => _name;
    public override string Family => _name is "dropout" or "drop_path" ? "dropout" : "activation";
    public override LayerTraits Traits => LayerTraits.PerChannel;
    public override IReadOnlyList<ParamSpec> Parameters => _parameters;

    public static IEnumerable<LayerSpec> All { get; } = new LayerSpec[]
    {
        new ElementwiseSpec("relu"),
        new ElementwiseSpec("relu6"),
        new ElementwiseSpec("hardswish"),
        new ElementwiseSpec("leaky_relu", ParamSpec.Float("negative_slope", 0.01)),
        new ElementwiseSpec("gelu", ParamSpec.Word("approximate", "none", "tanh")),
        new ElementwiseSpec("silu"),
        new ElementwiseSpec("sigmoid"),
        new ElementwiseSpec("tanh"),
        new ElementwiseSpec("hardtanh", ParamSpec.Float("min_val", -1), ParamSpec.Float("max_val", 1)),
        new ElementwiseSpec("softmax", ParamSpec.Int("dim", -1)),
        new ElementwiseSpec("dropout", ParamSpec.Float("p", 0.5, min: 0, max: 1)),
        // Stochastic depth: drops a residual branch for whole samples (timm's DropPath).
        new ElementwiseSpec("drop_path", new ParamSpec("p", ArgKind.Float, Required: true, Min: 0, Max: 1)),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (_name == "softmax")
        {
            var dim = b.Int("dim");
            if (dim < -b.Input.Rank || dim >= b.Input.Rank)
            {
                b.ArgumentError("dim", $"between {-b.Input.Rank} and {b.Input.Rank - 1} for input {b.Input}", dim.ToString());
                return null;
            }
        }
        if (_name == "hardtanh" && b.Float("min_val") >= b.Float("max_val"))
        {
            b.ArgumentError("max_val", $"greater than min_val ({b.Float("min_val")})", b.Float("max_val").ToString(System.Globalization.CultureInfo.InvariantCulture));
            return null;
        }
        return new LayerResult(b.Input, 0, 0);
    }
}

/// <summary>prelu(num_parameters: 1 or the channel count, init).</summary>
public sealed class PReluSpec : LayerSpec
{
    public override string Name => "prelu";
    public override string Family => "activation";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Int("num_parameters", 1, min: 1),
        ParamSpec.Float("init", 0.25),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var count = b.Int("num_parameters");
        if (count != 1 && (b.Input.Rank < 2 || b.Input[1].Value != count))
        {
            b.ArgumentError("num_parameters", $"1 or the channel count of {b.Input}", count.ToString());
            return null;
        }
        return new LayerResult(b.Input, 0, count);
    }
}

/// <summary>learnable_bias: a learnable shift per channel (dimension 1), ReActNet's move before a sign or PReLU.</summary>
public sealed class LearnableBiasSpec : LayerSpec
{
    public override string Name => "learnable_bias";
    public override string Family => "activation";
    public override IReadOnlyList<ParamSpec> Parameters { get; } = new ParamSpec[0];

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(2, 5, "[N, C, ...]")) return null;
        var channels = Size.Of(b.Input[1]);
        b.Infer("channels", channels);
        return new LayerResult(b.Input, 0, channels.Value);
    }
}
