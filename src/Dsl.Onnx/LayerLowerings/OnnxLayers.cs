using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.LayerLowerings;

/// <summary>Every layer the ONNX back end lowers, by its name in the language.</summary>
internal static class OnnxLayers
{
    private static readonly Dictionary<string, ILayerLowering> ByName =
        ConvolutionLowerings.All.Concat(LinearLowering.All).Concat(NormalizationLowerings.All).Concat(ActivationLowerings.All)
            .Concat(PoolingLowerings.All).Concat(ReshapingLowerings.All).Concat(TransformerLowerings.All).Concat(DetectionLowerings.All)
            .SelectMany(l => l.Layers.Select(name => (name, l)))
            .ToDictionary(p => p.name, p => p.l, StringComparer.Ordinal);

    public static ILayerLowering? Find(string layer) => ByName.TryGetValue(layer, out var l) ? l : null;

    public static IEnumerable<string> Names => ByName.Keys;
}
