using Dsl.Runtime.LowBit;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>DETR's layers: sine positions, object queries, encoder and decoder layers.</summary>
public static partial class Layers
{
    public static nn.Module<Tensor, Tensor> SinePosition(double temperature = 10000, bool normalize = true) => new Dsl.Runtime.SinePosition(temperature, normalize);

    public static nn.Module<Tensor, Tensor> QueryEmbed(long queries, long dim) => new Dsl.Runtime.QueryEmbed(queries, dim);

    public static nn.Module<Tensor, Tensor, Tensor> DetrEncoderLayer(long dim, long heads, long ffn, double dropout = 0.1, Compressor? compression = null) =>
        new Dsl.Runtime.DetrEncoderLayer(dim, heads, ffn, dropout, compression);

    public static nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor> DetrDecoderLayer(long dim, long heads, long ffn, double dropout = 0.1, Compressor? compression = null) =>
        new Dsl.Runtime.DetrDecoderLayer(dim, heads, ffn, dropout, compression);

    public static nn.Module<Tensor, Tensor> QueryRectify(long features, double eps = 1e-5, double momentum = 0.1) => new Dsl.Runtime.QueryRectify(features, eps, momentum);
}
