using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>linear as MatMul with the transposed weight (any leading dimensions, as nn.Linear), then the bias.</summary>
internal static class LinearLowering
{
    public static IEnumerable<ILayerLowering> All { get; } = new ILayerLowering[] { new LayerLowering("linear", Linear) };

    public static string Linear(LayerContext c)
    {
        var (input, weight, bias) = c.Weighted(outputAxis: 0);
        var transposed = c.Node("Transpose", new[] { weight }, OnnxAttribute.Ints("perm", new long[] { 1, 0 }));
        var product = c.Node("MatMul", new[] { input, transposed });
        return bias is null ? product : c.Node("Add", new[] { product, bias });
    }
}
