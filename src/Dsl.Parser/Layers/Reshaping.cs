using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Semantics;

namespace Dsl.Parser.Layers;

/// <summary>flatten(start_dim, end_dim); the batch dimension cannot be flattened.</summary>
public sealed class FlattenSpec : LayerSpec
{
    public override string Name => "flatten";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Int("start_dim", 1),
        ParamSpec.Int("end_dim", -1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var rank = b.Input.Rank;
        var start = b.Int("start_dim");
        var end = b.Int("end_dim");
        var s = start < 0 ? start + rank : start;
        var e = end < 0 ? end + rank : end;
        if (s < 1 || s >= rank)
        {
            b.ArgumentError("start_dim", $"between 1 and {rank - 1} for input {b.Input} (the batch stays)", start.ToString());
            return null;
        }
        if (e < s || e >= rank)
        {
            b.ArgumentError("end_dim", $"between start_dim and {rank - 1} for input {b.Input}", end.ToString());
            return null;
        }
        var merged = Enumerable.Range((int)s, (int)(e - s + 1)).Select(i => Size.Of(b.Input[i])).Aggregate((x, y) => x * y);
        return new LayerResult(b.Input.Replace((int)s, (int)(e - s + 1), new[] { merged.ToDim() }), 0, 0);
    }
}

/// <summary>pixel_shuffle(upscale_factor): [N, C·r², H, W] → [N, C, H·r, W·r].</summary>
public sealed class PixelShuffleSpec : LayerSpec
{
    public override string Name => "pixel_shuffle";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("upscale_factor", ArgKind.Int, min: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(4, 4, "[N, C, H, W]")) return null;
        var r = b.Size("upscale_factor");
        var channels = Size.Of(b.Input[1]);
        if (channels.Value % (r.Value * r.Value) != 0)
        {
            b.NotDivisible($"pixel_shuffle({r.Value}) needs channels divisible by {r.Value * r.Value} but got {channels.Value}");
            return null;
        }
        var output = new Shape(new[]
        {
            b.Input[0], (channels / (r * r)).ToDim(), (Size.Of(b.Input[2]) * r).ToDim(), (Size.Of(b.Input[3]) * r).ToDim(),
        });
        return new LayerResult(output, 0, 0);
    }
}

/// <summary>upsample(scale_factor | size, mode) over the spatial dimensions.</summary>
public sealed class UpsampleSpec : LayerSpec
{
    public override string Name => "upsample";
    public override string Family => "reshape";
    public override LayerTraits Traits => LayerTraits.PerChannel;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("scale_factor", ArgKind.Int, Min: 1),
        ParamSpec.Word("mode", "nearest", "bilinear", "bicubic", "trilinear"),
        ParamSpec.Bool("align_corners", false),
        new ParamSpec("size", ArgKind.Ints, Min: 1),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 5, "[N, C, *spatial]")) return null;
        var mode = b.Args.Word("mode");
        var needRank = mode switch { "bilinear" or "bicubic" => 4, "trilinear" => 5, _ => 0 };
        if (needRank != 0 && b.Input.Rank != needRank)
        {
            b.ShapeError($"upsample mode {mode} expects a rank-{needRank} input but got {b.Input}");
            return null;
        }
        if (mode == "nearest" && b.Args.IsExplicit("align_corners"))
        {
            b.ArgumentError("align_corners", "left out with mode nearest", "given");
            return null;
        }
        var hasScale = b.Args["scale_factor"].Value != null;
        var hasSize = b.Args["size"].Value != null;
        if (hasScale == hasSize)
        {
            b.ShapeError("upsample needs either scale_factor (upsample(2)) or size (upsample(size: [64, 64])), not " + (hasScale ? "both" : "neither"));
            return null;
        }
        var spatial = b.Input.Rank - 2;
        if (hasSize && !b.RequireArity("size", spatial)) return null;
        var sizes = hasSize ? b.Sizes("size", spatial) : null;
        var scale = hasScale ? b.Size("scale_factor") : default;
        var dims = b.Input.Dims.Take(2).Concat(b.Input.Dims.Skip(2).Select((d, i) => (sizes != null ? sizes[i] : Size.Of(d) * scale).ToDim())).ToList();
        return new LayerResult(new Shape(dims), 0, 0);
    }
}

/// <summary>reflection_pad2d(padding): an int, or [left, right, top, bottom].</summary>
public sealed class ReflectionPad2dSpec : LayerSpec
{
    public override string Name => "reflection_pad2d";
    public override string Family => "reshape";
    public override LayerTraits Traits => LayerTraits.PerChannel;

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("padding", ArgKind.Ints, Required: true, Min: 0),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (!b.RequireRank(3, 4, "[N, C, H, W]")) return null;
        if (!b.RequireArity("padding", 4)) return null;
        var p = b.Sizes("padding", 4);
        var h = Size.Of(b.Input[b.Input.Rank - 2]);
        var w = Size.Of(b.Input[b.Input.Rank - 1]);
        if (p[0].Value >= w.Value || p[1].Value >= w.Value || p[2].Value >= h.Value || p[3].Value >= h.Value)
        {
            b.ArgumentError("padding", $"smaller than the input's height and width ({h.Value}, {w.Value})", b.Args["padding"].Value!.Describe());
            return null;
        }
        var output = b.Input.With(b.Input.Rank - 2, (h + p[2] + p[3]).ToDim()).With(b.Input.Rank - 1, (w + p[0] + p[1]).ToDim());
        return new LayerResult(output, 0, 0);
    }
}

/// <summary>reshape(shape): the sizes after the batch, one of them -1 to be inferred, as PyTorch's view.</summary>
public sealed class ReshapeSpec : LayerSpec
{
    public override string Name => "reshape";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("shape", ArgKind.Ints, Required: true),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var value = b.Args["shape"].Value!;
        var sizes = value is ListValue l ? l.Items.Cast<ScalarValue>().Select(Size.Of).ToList() : new List<Size> { Size.Of((ScalarValue)value) };
        var inferred = sizes.FindIndex(s => s.Value == -1);
        if (sizes.Any(s => s.Value == 0 || s.Value < -1) || sizes.Count(s => s.Value == -1) > 1)
        {
            b.ArgumentError("shape", "positive sizes with at most one -1 (inferred)", value.Describe());
            return null;
        }
        var elements = b.Input.ElementsPerSample;
        var known = sizes.Where(s => s.Value != -1).Aggregate(1L, (a, s) => a * s.Value);
        if (inferred >= 0 ? elements % known != 0 : known != elements)
        {
            b.ShapeError($"reshape({value.Describe()}) cannot hold the {elements} elements per sample of {b.Input}");
            return null;
        }
        if (inferred >= 0)
        {
            var rest = sizes.Where((s, i) => i != inferred).Aggregate(Size.Of(new Dim(1, ScalarExpr.Int(1))), (a, s) => a * s);
            var total = b.Input.Dims.Skip(1).Select(Size.Of).Aggregate((a, d) => a * d);
            sizes[inferred] = total / rest;
        }
        return new LayerResult(new Shape(new[] { b.Input[0] }.Concat(sizes.Select(s => s.ToDim())).ToList()), 0, 0);
    }
}

/// <summary>permute(dims): PyTorch's permute over all dimensions; the batch stays first (dims[0] is 0).</summary>
public sealed class PermuteSpec : LayerSpec
{
    public override string Name => "permute";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("dims", ArgKind.Ints, Required: true, Min: 0),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        var value = b.Args["dims"].Value!;
        var dims = value is ListValue l ? l.Items.Cast<ScalarValue>().Select(v => v.AsLong).ToList() : new List<long> { ((ScalarValue)value).AsLong };
        var rank = b.Input.Rank;
        if (dims.Count != rank || dims.Distinct().Count() != rank || dims.Any(d => d >= rank) || dims[0] != 0)
        {
            b.ArgumentError("dims", $"an ordering of 0..{rank - 1} for input {b.Input}, starting with 0 (the batch stays first)", value.Describe());
            return null;
        }
        return new LayerResult(new Shape(dims.Select(d => b.Input[(int)d]).ToList()), 0, 0);
    }
}

/// <summary>transpose(dim0, dim1): swaps two dimensions other than the batch (negative counts from the end).</summary>
public sealed class TransposeSpec : LayerSpec
{
    public override string Name => "transpose";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("dim0", ArgKind.Int),
        ParamSpec.Req("dim1", ArgKind.Int),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (b.NonBatchDim("dim0") is not { } first || b.NonBatchDim("dim1") is not { } second) return null;
        var output = b.Input.With(first, b.Input[second]).With(second, b.Input[first]);
        return new LayerResult(output, 0, 0);
    }
}

/// <summary>mean(dim, keepdim): the average over one dimension other than the batch, as mean pooling over tokens.</summary>
public sealed class MeanSpec : LayerSpec
{
    public override string Name => "mean";
    public override string Family => "pool";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        ParamSpec.Req("dim", ArgKind.Int),
        ParamSpec.Bool("keepdim", false),
    };

    public override LayerResult? Bind(LayerBinding b)
    {
        if (b.NonBatchDim("dim") is not { } d) return null;
        var output = b.Bool("keepdim") ? b.Input.With(d, new Dim(1, ScalarExpr.Int(1))) : b.Input.Replace(d, 1, new Dim[0]);
        return new LayerResult(output, 0, 0);
    }
}
