using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>Forward steps that use a parameter of the enclosing model or several tensors.</summary>
public static class Ops
{
    /// <summary>Prepends the class token to every sequence of the batch.</summary>
    public static Tensor ClsToken(Tensor x, Parameter token) => cat(new[] { token.expand(x.shape[0], -1, -1), x }, 1);

    /// <summary>Adds the position embedding.</summary>
    public static Tensor PosEmbed(Tensor x, Parameter embedding) => x + embedding;

    public static Tensor Concat(long dim, params Tensor[] tensors) => cat(tensors, dim);

    public static Tensor Stack(long dim, params Tensor[] tensors) => stack(tensors, dim);
}
