using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Tokens;

/// <summary>
/// @tokens: a block written for a token schedule but built without one (a plain ViT) reduces
/// nothing, which lowers to the identity; models with a schedule are not lowered yet.
/// </summary>
internal sealed class TokensOnnx : IOnnxMethod
{
    public string Annotation => "tokens";

    public bool LowersModels => false;

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[0];

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[] { new UnscheduledReduce() };

    private sealed class UnscheduledReduce : ICallLowering
    {
        public string Function => "TokenBlock.Reduce";

        public string Lower(CallContext c) => c.MethodGiven
            ? throw new OnnxExportException($"{c.Name}: the ONNX back end does not lower @tokens schedules")
            : c.Graph.Node("Identity", new[] { c.Tensors[0] }, c.Name);
    }
}
