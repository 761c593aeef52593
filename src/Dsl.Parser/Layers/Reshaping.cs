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

/// <summary>upsample(scale_factor, mode) over the spatial dimensions.</summary>
public sealed class UpsampleSpec : LayerSpec
{
    public override string Name => "upsample";
    public override string Family => "reshape";

    public override IReadOnlyList<ParamSpec> Parameters { get; } = new[]
    {
        new ParamSpec("scale_factor", ArgKind.Int, Required: true, Min: 1),
        ParamSpec.Word("mode", "nearest", "bilinear", "bicubic", "trilinear"),
        ParamSpec.Bool("align_corners", false),
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
        var scale = b.Size("scale_factor");
        var dims = b.Input.Dims.Take(2).Concat(b.Input.Dims.Skip(2).Select(d => (Size.Of(d) * scale).ToDim())).ToList();
        return new LayerResult(new Shape(dims), 0, 0);
    }
}

/// <summary>reflection_pad2d(padding): an int, or [left, right, top, bottom].</summary>
public sealed class ReflectionPad2dSpec : LayerSpec
{
    public override string Name => "reflection_pad2d";
    public override string Family => "reshape";

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
