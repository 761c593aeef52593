using System;
using Dsl.Onnx.Lowering;
using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Onnx.Methods.Quant;

/// <summary>
/// LSQ in QDQ form (Brevitas's QCDQ): an activation through QuantizeLinear, a Clip to the learned
/// range's levels (int8 or uint8 containers hold 2 to 8 bits), DequantizeLinear with the learned
/// step; a weight stored as its integers with a (per-channel) DequantizeLinear. LSQ+'s zero point
/// is learned as a real number, which QuantizeLinear's integer zero point cannot hold: such an
/// activation is scaled and shifted in float first, then rounded on a unit grid, so that the file
/// computes what training computed.
/// </summary>
internal sealed class LsqLowering : TransformLowering<LsqQuantizer>
{
    protected override string Activation(LayerContext c, LsqQuantizer q, string input)
    {
        var (qn, qp) = q.Range;
        var step = c.Tensor("step", q).detach();
        var zeroPoint = c.OptionalTensor("zero_point", q)?.detach();
        var unsigned = qn >= 0;
        if (zeroPoint is null)
        {
            var scale = c.Initializer("input_scale", step.reshape(Array.Empty<long>()));
            return Qcdq(c, input, scale, unsigned, qn, qp);
        }
        var shifted = c.Node("Add", new[] { c.Node("Div", new[] { input, c.Initializer("input_step", step.reshape(Array.Empty<long>())) }), c.Initializer("input_zero_point", zeroPoint.reshape(Array.Empty<long>())) });
        var levels = Qcdq(c, shifted, c.Graph.Float(1), unsigned: false, qn, qp);
        return c.Node("Mul", new[] { c.Node("Sub", new[] { levels, c.Initializer("input_zero_point_out", zeroPoint.reshape(Array.Empty<long>())) }), c.Initializer("input_step_out", step.reshape(Array.Empty<long>())) });
    }

    protected override WeightValue Weight(LayerContext c, LsqQuantizer q, WeightValue weight, long outputAxis)
    {
        var w = Constant(c, weight).detach();
        var step = c.Tensor("step", q).detach();
        var perChannel = step.numel() > 1;
        var levels = Levels(w, step, q.Range, perChannel ? outputAxis : null);
        var integers = c.Initializer("weight_quantized", levels.to_type(ScalarType.Int8));
        var scale = c.Initializer("weight_scale", perChannel ? step : step.reshape(Array.Empty<long>()));
        var zero = c.Initializer("weight_zero_point", zeros(perChannel ? new[] { step.numel() } : Array.Empty<long>(), dtype: ScalarType.Int8));
        var attributes = perChannel ? new[] { OnnxAttribute.Int("axis", outputAxis) } : Array.Empty<OnnxAttribute>();
        return new GraphWeight(c.Node("DequantizeLinear", new[] { integers, scale, zero }, attributes));
    }

    /// <summary>The integer levels of <paramref name="w"/> as the runtime's LSQ computes them: round(clamp(w / s, Qn, Qp)).</summary>
    public static Tensor Levels(Tensor w, Tensor step, (double Qn, double Qp) range, long? axis)
    {
        var s = axis is { } a ? AlongAxis(step, a, (int)w.dim()) : step.reshape(Array.Empty<long>());
        return (w / s).clamp(range.Qn, range.Qp).round();
    }

    private static string Qcdq(LayerContext c, string input, string scale, bool unsigned, double qn, double qp)
    {
        var container = unsigned ? ScalarType.Byte : ScalarType.Int8;
        var point = c.Initializer("input_zero_point", zeros(Array.Empty<long>(), dtype: container));
        var quantized = c.Node("QuantizeLinear", new[] { input, scale, point });
        var low = c.Initializer("input_min", full(Array.Empty<long>(), qn, dtype: container));
        var high = c.Initializer("input_max", full(Array.Empty<long>(), qp, dtype: container));
        var clipped = c.Node("Clip", new[] { quantized, low, high });
        return c.Node("DequantizeLinear", new[] { clipped, scale, point });
    }
}
