using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>Pooling: max and average windows (stride defaults to the kernel, as in PyTorch), adaptive averages as a global pool or per-axis windows.</summary>
internal static class PoolingLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("max_pool2d", c => Window(c, "MaxPool", 2)),
        new LayerLowering("max_pool3d", c => Window(c, "MaxPool", 3)),
        new LayerLowering("avg_pool2d", c => Window(c, "AveragePool", 2)),
        new LayerLowering("adaptive_avg_pool2d", c => Adaptive(c, 2)),
        new LayerLowering("adaptive_avg_pool3d", c => Adaptive(c, 3)),
    };

    private static string Window(LayerContext c, string op, int rank)
    {
        var kernel = c.Sizes("kernel", rank, 1);
        var padding = c.Sizes("padding", rank, 0);
        var attributes = new List<OnnxAttribute>
        {
            OnnxAttribute.Ints("kernel_shape", kernel),
            OnnxAttribute.Ints("strides", c.Has("stride") ? c.Sizes("stride", rank, 1) : kernel),
            OnnxAttribute.Ints("pads", padding.Concat(padding)),
            OnnxAttribute.Int("ceil_mode", c.Flag("ceil_mode", false) ? 1 : 0),
        };
        if (op == "MaxPool") attributes.Add(OnnxAttribute.Ints("dilations", c.Sizes("dilation", rank, 1)));
        else attributes.Add(OnnxAttribute.Int("count_include_pad", c.Flag("count_include_pad", true) ? 1 : 0));
        return c.Node(op, new[] { c.Input }, attributes.ToArray());
    }

    // An adaptive average is separable: along each axis, output i averages [⌊i·in/out⌋, ⌈(i+1)·in/out⌉).
    private static string Adaptive(LayerContext c, int rank)
    {
        var output = c.Sizes("output_size", rank, 1);
        if (output.All(o => o == 1)) return c.Node("GlobalAveragePool", new[] { c.Input });
        var input = c.InputShape?.Dims.Skip(2).Select(d => d.Value).ToArray()
            ?? throw new OnnxExportException($"{c.Name}: the input's size is not known");
        var value = c.Input;
        for (var axis = 0; axis < rank; axis++)
        {
            var (size, cells, onnxAxis) = (input[axis], output[axis], axis + 2L);
            if (size == cells) continue;
            var parts = new List<string>();
            for (var i = 0L; i < cells; i++)
            {
                var (start, end) = (i * size / cells, ((i + 1) * size + cells - 1) / cells);
                var window = c.Node("Slice", new[] { value, c.Graph.Longs(start), c.Graph.Longs(end), c.Graph.Longs(onnxAxis) });
                parts.Add(c.Node("ReduceMean", new[] { window }, OnnxAttribute.Ints("axes", new[] { onnxAxis }), OnnxAttribute.Int("keepdims", 1)));
            }
            value = c.Node("Concat", parts, OnnxAttribute.Int("axis", onnxAxis));
        }
        return value;
    }
}
