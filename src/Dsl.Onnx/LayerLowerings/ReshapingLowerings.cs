using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>Layers that move elements: flatten, reshape (batch kept), permute, transpose, mean, pixel shuffle, upsampling, reflection padding, the class token's row.</summary>
internal static class ReshapingLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("flatten", Flatten),
        new LayerLowering("reshape", c => c.Node("Reshape", new[] { c.Input, c.Graph.Longs(new long[] { 0 }.Concat(c.List("shape")).ToArray()) })),
        new LayerLowering("permute", c => c.Node("Transpose", new[] { c.Input }, OnnxAttribute.Ints("perm", c.List("dims").Select(d => Axis(d, c.InputRank))))),
        new LayerLowering("transpose", Transpose),
        new LayerLowering("mean", c => c.Node("ReduceMean", new[] { c.Input },
            OnnxAttribute.Ints("axes", new[] { c.Long("dim", -1) }), OnnxAttribute.Int("keepdims", c.Flag("keepdim", false) ? 1 : 0))),
        new LayerLowering("pixel_shuffle", c => c.Node("DepthToSpace", new[] { c.Input },
            OnnxAttribute.Int("blocksize", c.Long("upscale_factor", 1)), OnnxAttribute.String("mode", "CRD"))),
        new LayerLowering("upsample", Upsample),
        new LayerLowering("reflection_pad2d", ReflectionPad),
        new LayerLowering("cls_select", c => c.Node("Gather", new[] { c.Input, c.Graph.Index(0) }, OnnxAttribute.Int("axis", 1))),
    };

    private static long Axis(long axis, int rank) => axis < 0 ? axis + rank : axis;

    // Flatten keeps the axes before start_dim and after end_dim: a Reshape with 0 (copy) for those before.
    private static string Flatten(LayerContext c)
    {
        var rank = c.InputRank;
        var (start, end) = (Axis(c.Long("start_dim", 1), rank), Axis(c.Long("end_dim", -1), rank));
        return start == 1 && end == rank - 1 ? c.Node("Flatten", new[] { c.Input }, OnnxAttribute.Int("axis", 1)) : Reshaped(c, start, end, rank);
    }

    private static string Reshaped(LayerContext c, long start, long end, int rank)
    {
        var dims = c.InputShape!.Dims;
        var shape = new List<long>();
        for (var i = 0; i < start; i++) shape.Add(0);
        shape.Add(-1);
        for (var i = end + 1; i < rank; i++) shape.Add(dims[(int)i].Value);
        return c.Node("Reshape", new[] { c.Input, c.Graph.Longs(shape.ToArray()) });
    }

    private static string Transpose(LayerContext c)
    {
        var rank = c.InputRank;
        var perm = Enumerable.Range(0, rank).Select(i => (long)i).ToArray();
        var (a, b) = (Axis(c.Long("dim0", 0), rank), Axis(c.Long("dim1", 1), rank));
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return c.Node("Transpose", new[] { c.Input }, OnnxAttribute.Ints("perm", perm));
    }

    // PyTorch's nearest is ONNX's asymmetric floor; its linear and cubic modes without align_corners are pytorch_half_pixel.
    private static string Upsample(LayerContext c)
    {
        var mode = c.Word("mode", "nearest");
        var (onnxMode, rank) = mode switch
        {
            "nearest" => ("nearest", 2),
            "bilinear" => ("linear", 2),
            "bicubic" => ("cubic", 2),
            "trilinear" => ("linear", 3),
            _ => throw new OnnxExportException($"{c.Name}: upsample mode '{mode}' has no ONNX lowering"),
        };
        var attributes = new List<OnnxAttribute> { OnnxAttribute.String("mode", onnxMode) };
        if (mode == "nearest")
        {
            attributes.Add(OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"));
            attributes.Add(OnnxAttribute.String("nearest_mode", "floor"));
        }
        else
        {
            attributes.Add(OnnxAttribute.String("coordinate_transformation_mode", c.Flag("align_corners", false) ? "align_corners" : "pytorch_half_pixel"));
            if (mode == "bicubic") attributes.Add(OnnxAttribute.Float("cubic_coeff_a", -0.75));
        }
        if (c.Has("scale_factor"))
        {
            var scales = new float[2 + rank];
            Array.Fill(scales, (float)c.Real("scale_factor", 1));
            scales[0] = scales[1] = 1;
            var scalesName = c.Initializer("scales", TorchSharp.torch.tensor(scales));
            return c.Node("Resize", new[] { c.Input, "", scalesName }, attributes.ToArray());
        }
        var size = c.Sizes("size", rank, 1);
        var sizes = c.Node("Concat", new[] { c.Node("Slice", new[] { c.Node("Shape", new[] { c.Input }), c.Graph.Longs(0), c.Graph.Longs(2) }), c.Graph.Longs(size) },
            OnnxAttribute.Int("axis", 0));
        return c.Node("Resize", new[] { c.Input, "", "", sizes }, attributes.ToArray());
    }

    // reflection_pad2d's (left, right, top, bottom) as ONNX's [begins..., ends...] over N, C, H, W.
    private static string ReflectionPad(LayerContext c)
    {
        var p = c.Sizes("padding", 4, 0);
        return c.Node("Pad", new[] { c.Input, c.Graph.Longs(0, 0, p[2], p[0], 0, 0, p[3], p[1]) }, OnnxAttribute.String("mode", "reflect"));
    }
}
