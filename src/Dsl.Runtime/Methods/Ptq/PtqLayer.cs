using System;
using Dsl.Runtime.LowBit;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// A linear or convolution layer quantized after training (@ptq). Until it is calibrated
/// (<see cref="PostTraining.Calibrate"/>) it computes in full precision, so the model trains
/// and loads its full-precision weights as the plain layer would (<c>weight</c> and <c>bias</c>
/// keep their names). Calibrated, its input passes <c>input_quant</c> and its weight the uniform
/// per-channel quantizer; <c>calibrated</c> is saved with the weights.
/// </summary>
public sealed class PtqLayer : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly ActivationCalibration input_quant;
    private readonly Tensor calibrated;
    private readonly Func<Tensor, Tensor, Tensor?, Tensor> _operation;

    public PtqLayer(nn.Module<Tensor, Tensor> layer, PtqOptions options) : base(nameof(PtqLayer))
    {
        (weight, bias) = layer switch
        {
            Linear l => (l.weight!, l.bias),
            Convolution { transposed: false } c => (c.weight!, c.bias),
            _ => throw new ArgumentException($"@ptq quantizes linear and (untransposed) convolution layers, not {layer.GetType().Name}", nameof(layer)),
        };
        if (options.Method == "dfsq" && layer is not Convolution)
            throw new ArgumentException("DFSQ normalises each sample's channels over their positions, so it quantizes convolutions; use minmax or percentile for a linear layer", nameof(layer));
        Options = options;
        _operation = LowBitLayer.Operation(layer);
        var channels = weight.shape[1] * (layer is Convolution c2 ? c2.groups : 1);
        input_quant = options.Method == "dfsq"
            ? new DfsqActivation(channels, options)
            : new UniformActivation(options.ActivationBits, options.Method == "percentile" ? options.Percentile : null);
        calibrated = zeros(1);
        RegisterComponents();
    }

    public PtqOptions Options { get; }

    public ActivationCalibration InputQuantizer => input_quant;

    public bool Calibrated => calibrated.item<float>() != 0;

    /// <summary>While true, forward passes record the inputs for calibration and compute in full precision.</summary>
    internal bool Observing { get; set; }

    internal Generator? ObservationDraws { get; set; }

    /// <summary>Fixes the input quantizer from what it observed; the layer quantizes from now on.</summary>
    internal void Finish(int seed)
    {
        input_quant.Finish(seed);
        calibrated.fill_(1);
    }

    /// <summary>The weight as the calibrated layer uses it.</summary>
    public Tensor QuantizedWeight() => UniformWeights.Quantize(weight, Options.WeightBits);

    public override Tensor forward(Tensor x)
    {
        if (Observing)
        {
            input_quant.Observe(x, ObservationDraws ?? throw new InvalidOperationException("observing needs a generator"));
            return _operation(x, weight, bias);
        }
        if (!Calibrated) return _operation(x, weight, bias);
        return _operation(input_quant.forward(x), QuantizedWeight(), bias);
    }
}
