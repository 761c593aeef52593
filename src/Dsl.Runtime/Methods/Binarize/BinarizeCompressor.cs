using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>@binarize: 1-bit weights and activations by method plain, rebnn or bivit (see the annotation's documentation).</summary>
public sealed class BinarizeCompressor : Compressor
{
    private readonly string _method;
    private readonly bool _weights;
    private readonly bool _activations;
    private readonly bool _attention;
    private readonly bool _scale;
    private readonly double _factor;
    private readonly bool _adaptive;
    private readonly double _gamma;
    private readonly bool _qkNorm;
    private readonly double _geluClip;

    public BinarizeCompressor(string method, bool weights, bool activations, bool attention, bool scale, double factor, string gamma, double gammaValue, bool qkNorm, double geluClip)
    {
        if (method is not ("plain" or "rebnn" or "bivit")) throw new ArgumentException($"method is plain, rebnn or bivit, not '{method}'", nameof(method));
        if (gamma is not ("adaptive" or "constant")) throw new ArgumentException($"gamma is adaptive or constant, not '{gamma}'", nameof(gamma));
        (_method, _weights, _activations, _attention, _scale, _factor) = (method, weights, activations, attention, scale, factor);
        (_adaptive, _gamma, _qkNorm, _geluClip) = (gamma == "adaptive", gammaValue, qkNorm, geluClip);
    }

    public override nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) =>
        !_weights ? null
            : _method == "rebnn" ? new ReBnnWeight(weight, outputAxis, _factor, _adaptive, _gamma)
            : new MeanScaledSignWeight(outputAxis);

    public override nn.Module<Tensor, Tensor>? InputTransform() =>
        !_activations ? null
            : _method == "bivit" && _scale ? new ScaledSignActivation(polynomial: true)
            : new SignActivation(polynomial: _method != "plain");

    public override nn.Module<Tensor, Tensor>? AttentionActivation(string role, long heads) =>
        !_attention || !_activations ? null
            : _method == "bivit" && _scale ? new ScaledSignActivation(heads, channelAxis: 1)
            : new SignActivation(polynomial: _method != "plain");

    public override bool QkNorm => _method == "bivit" && _qkNorm;

    public override double? GeluClip => _method == "bivit" ? _geluClip : null;
}
