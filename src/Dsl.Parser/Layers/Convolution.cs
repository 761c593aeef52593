using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>conv1d, conv2d, conv3d with PyTorch's arguments, shape formula and grouped cost.</summary>
public sealed class ConvSpec : LayerSpec
{
    private readonly int _rank;

    public ConvSpec(int spatialRank) => _rank = spatialRank;

    public override string Name => $"conv{_rank}d";
    public override string Family => "conv";

    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) => Single(result.Output[1].Value, result, args);

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("out_channels", ArgKind.Int, min: 1),
        new ParamSpec("kernel", ArgKind.Ints, Required: true, Min: 1),
        ParamSpec.Ints("stride", 1, min: 1),
        ParamSpec.Ints("padding", 0, min: 0),
        ParamSpec.Ints("dilation", 1, min: 1),
        ParamSpec.Int("groups", 1, min: 1),
        ParamSpec.Bool("bias", true),
        ParamSpec.Word("padding_mode", "zeros", "reflect", "replicate", "circular"),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var layout = "[N, C, " + string.Join(", ", new[] { "D", "H", "W" }.Skip(3 - _rank)) + "]";
        if (!b.RequireRank(_rank + 2, _rank + 2, layout)) return null;
        if (!new[] { "kernel", "stride", "padding", "dilation" }.All(a => b.RequireArity(a, _rank))) return null;
        var inChannels = Size.Of(b.Input[1]);
        var outChannels = b.Size("out_channels");
        var groups = b.Int("groups");
        if (inChannels.Value % groups != 0 || outChannels.Value % groups != 0)
        {
            b.NotDivisible($"{Name} groups ({groups}) must divide its input channels ({inChannels.Value}) and out_channels ({outChannels.Value})");
            return null;
        }
        var kernel = b.Sizes("kernel", _rank);
        var stride = b.Sizes("stride", _rank);
        var padding = b.Sizes("padding", _rank);
        var dilation = b.Sizes("dilation", _rank);
        var spatial = new List<Dim>();
        for (var i = 0; i < _rank; i++)
        {
            var input = Size.Of(b.Input[2 + i]);
            var output = (input + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i] + 1;
            if (output.Value < 1)
            {
                b.ShapeError($"{Name} with kernel {Describe(kernel)}, stride {Describe(stride)}, padding {Describe(padding)} needs each spatial size of {b.Input} to be at least {dilation[i].Value * (kernel[i].Value - 1) + 1 - 2 * padding[i].Value}");
                return null;
            }
            spatial.Add(output.ToDim());
        }
        if (b.Args.Word("padding_mode") != "zeros" && padding.Any(p => p.Value > 0))
        {
            for (var i = 0; i < _rank; i++)
            {
                if (padding[i].Value >= b.Input[2 + i].Value)
                {
                    b.ArgumentError("padding", $"smaller than the input size {b.Input[2 + i].Value} with padding_mode {b.Args.Word("padding_mode")}", padding[i].Value.ToString());
                    return null;
                }
            }
        }
        b.Infer("in_channels", inChannels);
        var result = new Shape(new[] { b.Input[0], outChannels.ToDim() }.Concat(spatial).ToList());
        var kernelVolume = kernel.Aggregate(1L, (a, k) => a * k.Value);
        var macs = result.ElementsPerSample * (inChannels.Value / groups) * kernelVolume;
        var parameters = outChannels.Value * (inChannels.Value / groups) * kernelVolume + (b.Bool("bias") ? outChannels.Value : 0);
        return new LayerResult(result, macs, parameters);
    }

    internal static string Describe(IReadOnlyList<Size> sizes) =>
        sizes.All(s => s.Value == sizes[0].Value) ? sizes[0].Value.ToString() : "[" + string.Join(", ", sizes.Select(s => s.Value)) + "]";
}

/// <summary>conv_transpose2d; its cost counts output elements × in_channels × kernel volume.</summary>
public sealed class ConvTranspose2dSpec : LayerSpec
{
    public override string Name => "conv_transpose2d";
    public override string Family => "conv";
    public override LayerTraits Traits => LayerTraits.Transposed;

    public override WeightLayers Weights(Shape input, LayerResult result, BoundArguments args) => Single(result.Output[1].Value, result, args);

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("out_channels", ArgKind.Int, min: 1),
        new ParamSpec("kernel", ArgKind.Ints, Required: true, Min: 1),
        ParamSpec.Ints("stride", 1, min: 1),
        ParamSpec.Ints("padding", 0, min: 0),
        ParamSpec.Ints("output_padding", 0, min: 0),
        ParamSpec.Int("groups", 1, min: 1),
        ParamSpec.Bool("bias", true),
        ParamSpec.Ints("dilation", 1, min: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(4, 4, "[N, C, H, W]")) return null;
        if (!new[] { "kernel", "stride", "padding", "output_padding", "dilation" }.All(a => b.RequireArity(a, 2))) return null;
        var inChannels = Size.Of(b.Input[1]);
        var outChannels = b.Size("out_channels");
        var groups = b.Int("groups");
        if (inChannels.Value % groups != 0 || outChannels.Value % groups != 0)
        {
            b.NotDivisible($"{Name} groups ({groups}) must divide its input channels ({inChannels.Value}) and out_channels ({outChannels.Value})");
            return null;
        }
        var kernel = b.Sizes("kernel", 2);
        var stride = b.Sizes("stride", 2);
        var padding = b.Sizes("padding", 2);
        var outputPadding = b.Sizes("output_padding", 2);
        var dilation = b.Sizes("dilation", 2);
        var spatial = new List<Dim>();
        for (var i = 0; i < 2; i++)
        {
            if (outputPadding[i].Value >= stride[i].Value && outputPadding[i].Value >= dilation[i].Value)
            {
                b.ArgumentError("output_padding", "smaller than stride or dilation", outputPadding[i].Value.ToString());
                return null;
            }
            var input = Size.Of(b.Input[2 + i]);
            var output = (input - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) + outputPadding[i] + 1;
            if (output.Value < 1)
            {
                b.ShapeError($"{Name} gives an empty output for input {b.Input}");
                return null;
            }
            spatial.Add(output.ToDim());
        }
        b.Infer("in_channels", inChannels);
        var result = new Shape(new[] { b.Input[0], outChannels.ToDim() }.Concat(spatial).ToList());
        var kernelVolume = kernel[0].Value * kernel[1].Value;
        var macs = result.ElementsPerSample * (inChannels.Value / groups) * kernelVolume;
        var parameters = inChannels.Value * (outChannels.Value / groups) * kernelVolume + (b.Bool("bias") ? outChannels.Value : 0);
        return new LayerResult(result, macs, parameters);
    }
}
