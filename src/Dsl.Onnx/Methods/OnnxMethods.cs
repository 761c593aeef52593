using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Onnx.Lowering;
using Dsl.Onnx.Methods.Binarize;
using Dsl.Onnx.Methods.Distill;
using Dsl.Onnx.Methods.Prune;
using Dsl.Onnx.Methods.Quant;
using Dsl.Onnx.Methods.Sparse;
using Dsl.Onnx.Methods.Tokens;

namespace Dsl.Onnx.Methods;

/// <summary>The methods the ONNX back end lowers, registered once; a method not here is a located error when a model uses it.</summary>
internal static class OnnxMethods
{
    public static IReadOnlyList<IOnnxMethod> All { get; } = new IOnnxMethod[]
    {
        new QuantOnnx(),
        new BinarizeOnnx(),
        new SparseOnnx(),
        new PruneOnnx(),
        new DistillOnnx(),
        new TokensOnnx(),
    };

    private static readonly Dictionary<Type, ITransformLowering> ByModule = All.SelectMany(m => m.Transforms).ToDictionary(t => t.Module);

    private static readonly Dictionary<string, ICallLowering> ByFunction = All.SelectMany(m => m.Calls).ToDictionary(c => c.Function, StringComparer.Ordinal);

    public static IReadOnlyList<IAttentionHook> AttentionHooks { get; } = All.SelectMany(m => m.AttentionHooks).ToList();

    public static bool Lowers(string annotation) => All.Any(m => m.Annotation == annotation && m.LowersModels);

    public static ITransformLowering? Transform(Type module) => ByModule.TryGetValue(module, out var t) ? t : null;

    public static ICallLowering? Call(string function) => ByFunction.TryGetValue(function, out var c) ? c : null;
}
