using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>@quant: LSQ / LSQ+ on weights (per output channel or per tensor) and on inputs; on attention's q, k, v and softmax output too.</summary>
public sealed class QuantCompressor : Compressor
{
    private readonly long? _weightBits;
    private readonly long? _activationBits;
    private readonly bool _perChannel;
    private readonly string _act;
    private readonly bool _zeroPoint;
    private readonly bool _attention;

    public QuantCompressor(long? weightBits, long? activationBits, bool perChannel, string act, bool zeroPoint, bool attention)
    {
        if (weightBits == null && activationBits == null) throw new System.ArgumentException("@quant needs a bit-width for weights or activations");
        // Fail here, at construction, rather than at the first layer.
        if (weightBits is { } w) LsqQuantizer.CheckBits(w);
        if (activationBits is { } a) LsqQuantizer.CheckBits(a);
        (_weightBits, _activationBits, _perChannel, _act, _zeroPoint, _attention) = (weightBits, activationBits, perChannel, act, zeroPoint, attention);
    }

    public override nn.Module<Tensor, Tensor>? WeightTransform(Tensor weight, long outputAxis) =>
        _weightBits is { } w ? new LsqQuantizer(w, _perChannel ? weight.shape[outputAxis] : 1, _perChannel ? outputAxis : null) : null;

    public override nn.Module<Tensor, Tensor>? InputTransform() =>
        _activationBits is { } a ? new LsqQuantizer(a, sign: _act, zeroPoint: _zeroPoint) : null;

    public override nn.Module<Tensor, Tensor>? AttentionActivation(string role, long heads) =>
        _attention && _activationBits is { } a
            ? new LsqQuantizer(a, sign: role == "attn" ? "unsigned" : "signed", zeroPoint: _zeroPoint && role != "attn")
            : null;
}
