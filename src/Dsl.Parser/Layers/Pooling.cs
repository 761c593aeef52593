using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>max_pool2d, max_pool3d, avg_pool2d: stride defaults to the kernel, as in PyTorch.</summary>
public sealed class PoolSpec : LayerSpec
{
    private readonly bool _max;
    private readonly int _rank;

    public PoolSpec(bool max, int spatialRank)
    {
        _max = max;
        _rank = spatialRank;
        var parameters = new List<ParamSpec>
        {
            new("kernel", ArgKind.Ints, Required: true, Min: 1),
            new("stride", ArgKind.Ints, Min: 1),
            ParamSpec.Ints("padding", 0, min: 0),
        };
        if (max) parameters.Add(ParamSpec.Ints("dilation", 1, min: 1));
        parameters.Add(ParamSpec.Bool("ceil_mode", false));
        if (!max) parameters.Add(ParamSpec.Bool("count_include_pad", true));
        Parameters = parameters;
    }

    public override string Name => $"{(_max ? "max" : "avg")}_pool{_rank}d";
    public override string Family => "pool";
    public override LayerTraits Traits => LayerTraits.PerChannel;
    public override IReadOnlyList<ParamSpec> Parameters { get; }

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(_rank + 2, _rank + 2, _rank == 2 ? "[N, C, H, W]" : "[N, C, D, H, W]")) return null;
        var arity = _max ? new[] { "kernel", "stride", "padding", "dilation" } : new[] { "kernel", "stride", "padding" };
        if (!arity.All(a => b.Args[a].Value == null || b.RequireArity(a, _rank))) return null;
        var kernel = b.Sizes("kernel", _rank);
        var stride = b.Args["stride"].Value == null ? kernel : b.Sizes("stride", _rank);
        var padding = b.Sizes("padding", _rank);
        var dilation = _max ? b.Sizes("dilation", _rank) : Enumerable.Repeat((Size)1, _rank).ToList();
        var ceil = b.Bool("ceil_mode");
        var dims = new List<Dim> { b.Input[0], b.Input[1] };
        for (var i = 0; i < _rank; i++)
        {
            if (2 * padding[i].Value > kernel[i].Value)
            {
                b.ArgumentError("padding", $"at most half the kernel ({kernel[i].Value / 2})", padding[i].Value.ToString());
                return null;
            }
            var input = Size.Of(b.Input[2 + i]);
            var span = input + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1;
            var output = (ceil ? span + stride[i] - 1 : span) / stride[i] + 1;
            // PyTorch drops a last window that would start inside the right padding.
            if (ceil && (output.Value - 1) * stride[i].Value >= input.Value + padding[i].Value) output = output - 1;
            if (output.Value < 1)
            {
                b.ShapeError($"{Name} with kernel {ConvSpec.Describe(kernel)} is larger than the input {b.Input}");
                return null;
            }
            dims.Add(output.ToDim());
        }
        return new LayerResult(new Shape(dims), 0, 0);
    }
}

/// <summary>adaptive_avg_pool2d/3d(output_size).</summary>
public sealed class AdaptivePoolSpec : LayerSpec
{
    private readonly int _rank;

    public AdaptivePoolSpec(int spatialRank) => _rank = spatialRank;

    public override string Name => $"adaptive_avg_pool{_rank}d";
    public override string Family => "pool";
    public override LayerTraits Traits => LayerTraits.PerChannel;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("output_size", ArgKind.Ints, Required: true, Min: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(_rank + 2, _rank + 2, _rank == 2 ? "[N, C, H, W]" : "[N, C, D, H, W]")) return null;
        if (!b.RequireArity("output_size", _rank)) return null;
        var size = b.Sizes("output_size", _rank);
        return new LayerResult(new Shape(new[] { b.Input[0], b.Input[1] }.Concat(size.Select(s => s.ToDim())).ToList()), 0, 0);
    }
}
