using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>conv1d/2d/3d as Conv (reflect padding as a Pad before it), conv_transpose2d as ConvTranspose.</summary>
internal static class ConvolutionLowerings
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[]
    {
        new LayerLowering("conv1d", c => Convolution(c, 1)),
        new LayerLowering("conv2d", c => Convolution(c, 2)),
        new LayerLowering("conv3d", c => Convolution(c, 3)),
        new LayerLowering("conv_transpose2d", ConvTranspose),
    };

    private static string Convolution(LayerContext c, int rank)
    {
        var (input, weight, bias) = c.Weighted(outputAxis: 0);
        var padding = c.Sizes("padding", rank, 0);
        var mode = c.Word("padding_mode", "zeros");
        if (mode == "reflect")
        {
            // ONNX Pad takes [begin of each axis..., end of each axis...] over all of the input's axes.
            var pads = new long[2 * (rank + 2)];
            for (var i = 0; i < rank; i++) pads[2 + i] = pads[rank + 4 + i] = padding[i];
            input = c.Node("Pad", new[] { input, c.Graph.Longs(pads) }, OnnxAttribute.String("mode", "reflect"));
            padding = new long[rank];
        }
        else if (mode != "zeros")
        {
            throw new OnnxExportException($"{c.Name}: padding_mode '{mode}' has no ONNX lowering (zeros and reflect do)");
        }
        return c.Node("Conv", Operands(input, weight, bias),
            OnnxAttribute.Ints("kernel_shape", c.Sizes("kernel", rank, 1)),
            OnnxAttribute.Ints("strides", c.Sizes("stride", rank, 1)),
            OnnxAttribute.Ints("pads", padding.Concat(padding)),
            OnnxAttribute.Ints("dilations", c.Sizes("dilation", rank, 1)),
            OnnxAttribute.Int("group", c.Long("groups", 1)));
    }

    private static string ConvTranspose(LayerContext c)
    {
        // PyTorch keeps a transposed convolution's weight as [in, out / groups, k, k]: outputs on axis 1.
        var (input, weight, bias) = c.Weighted(outputAxis: 1);
        var padding = c.Sizes("padding", 2, 0);
        return c.Node("ConvTranspose", Operands(input, weight, bias),
            OnnxAttribute.Ints("kernel_shape", c.Sizes("kernel", 2, 1)),
            OnnxAttribute.Ints("strides", c.Sizes("stride", 2, 1)),
            OnnxAttribute.Ints("pads", padding.Concat(padding)),
            OnnxAttribute.Ints("output_padding", c.Sizes("output_padding", 2, 0)),
            OnnxAttribute.Ints("dilations", c.Sizes("dilation", 2, 1)),
            OnnxAttribute.Int("group", c.Long("groups", 1)));
    }

    private static string[] Operands(string input, string weight, string? bias) => bias is null ? new[] { input, weight } : new[] { input, weight, bias };
}
