using System.Collections.Generic;
using Dsl.Onnx.Lowering;

namespace Dsl.Onnx.Methods.Distill;

/// <summary>
/// @distill: a training method (the teacher and its losses stay behind); the student exports as it
/// is, and a DeiT student's two heads average at inference, as the runtime's forward does in eval mode.
/// </summary>
internal sealed class DistillOnnx : IOnnxMethod
{
    public string Annotation => "distill";

    public IReadOnlyList<ITransformLowering> Transforms { get; } = new ITransformLowering[0];

    public IReadOnlyList<ICallLowering> Calls { get; } = new ICallLowering[] { new AveragedHeads() };

    private sealed class AveragedHeads : ICallLowering
    {
        public string Function => "distillation.Heads";

        public string Lower(CallContext c)
        {
            var (head, distillation) = (c.ApplyField(c.Names[0], c.Tensors[0]), c.ApplyField(c.Names[1], c.Tensors[0]));
            return c.Graph.Node("Mul", new[] { c.Graph.Node("Add", new[] { head, distillation }, c.Name), c.Graph.Float(0.5) }, c.Name);
        }
    }
}
