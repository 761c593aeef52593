using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Winograd;

/// <summary>
/// The matrices of Winograd's minimal filtering F(m, 3) (Lavin and Gray's): Bᵀ [α, α] turns an
/// input tile into the Winograd domain, G [α, 3] a 3-tap filter, Aᵀ [m, α] the element-wise
/// products back into m outputs, α = m + 2. F(2, 3) interpolates at 0, ±1 and ∞; F(4, 3) at 0,
/// ±1, ±2 and ∞, whose larger entries cost float32 accuracy.
/// </summary>
public sealed record WinogradTransforms(int Tile, double[,] InputT, double[,] Filter, double[,] OutputT)
{
    public int Alpha => Tile + 2;

    public static WinogradTransforms For(int tile) => tile switch
    {
        2 => new(2,
            new double[,] { { 1, 0, -1, 0 }, { 0, 1, 1, 0 }, { 0, -1, 1, 0 }, { 0, 1, 0, -1 } },
            new double[,] { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } },
            new double[,] { { 1, 1, 1, 0 }, { 0, 1, -1, -1 } }),
        4 => new(4,
            new double[,]
            {
                { 4, 0, -5, 0, 1, 0 }, { 0, -4, -4, 1, 1, 0 }, { 0, 4, -4, -1, 1, 0 },
                { 0, -2, -1, 2, 1, 0 }, { 0, 2, -1, -2, 1, 0 }, { 0, 4, 0, -5, 0, 1 },
            },
            new double[,]
            {
                { 1.0 / 4, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
                { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 },
            },
            new double[,] { { 1, 1, 1, 1, 1, 0 }, { 0, 1, -1, 2, -2, 0 }, { 0, 1, 1, 4, 4, 0 }, { 0, 1, -1, 8, -8, 1 } }),
        _ => throw new ArgumentOutOfRangeException(nameof(tile), tile, "Winograd tiles are F(2, 3) or F(4, 3)"),
    };

    public Tensor Matrix(double[,] values, ScalarType type, Device device)
    {
        var (rows, columns) = (values.GetLength(0), values.GetLength(1));
        var flat = new double[rows * columns];
        Buffer.BlockCopy(values, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, new long[] { rows, columns }, ScalarType.Float64).to(type, device);
    }
}
