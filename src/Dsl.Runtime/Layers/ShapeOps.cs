using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>reshape: [N, ...] to [N, shape...], one size possibly -1.</summary>
public sealed class Reshape : nn.Module<Tensor, Tensor>
{
    private readonly long[] _shape;

    public Reshape(long[] shape) : base(nameof(Reshape)) => _shape = shape;

    public override Tensor forward(Tensor x)
    {
        var shape = new long[_shape.Length + 1];
        shape[0] = x.shape[0];
        _shape.CopyTo(shape, 1);
        return x.reshape(shape);
    }
}

/// <summary>permute over every dimension, the batch first.</summary>
public sealed class Permute : nn.Module<Tensor, Tensor>
{
    private readonly long[] _dims;

    public Permute(long[] dims) : base(nameof(Permute)) => _dims = dims;

    public override Tensor forward(Tensor x) => x.permute(_dims);
}

/// <summary>transpose of two dimensions.</summary>
public sealed class Transpose : nn.Module<Tensor, Tensor>
{
    private readonly long _dim0;
    private readonly long _dim1;

    public Transpose(long dim0, long dim1) : base(nameof(Transpose)) => (_dim0, _dim1) = (dim0, dim1);

    public override Tensor forward(Tensor x) => x.transpose(_dim0, _dim1);
}

/// <summary>The mean over one dimension (mean pooling over tokens: dim 1 of [N, T, C]).</summary>
public sealed class Mean : nn.Module<Tensor, Tensor>
{
    private readonly long _dim;
    private readonly bool _keepdim;

    public Mean(long dim, bool keepdim) : base(nameof(Mean)) => (_dim, _keepdim) = (dim, keepdim);

    public override Tensor forward(Tensor x) => x.mean(new[] { _dim }, _keepdim);
}
