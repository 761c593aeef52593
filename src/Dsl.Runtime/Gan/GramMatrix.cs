using System;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>
/// Style statistics (Gatys et al.): the Gram matrix of a feature map [N, C, H, W] is
/// G[c, d] = Σ_hw F[c, hw]·F[d, hw] / (C·H·W), per sample; the style loss is the mean absolute
/// difference between a student's and a teacher's Gram matrices.
/// </summary>
public static class GramMatrix
{
    public static Tensor Of(Tensor features)
    {
        if (features.dim() != 4) throw new ArgumentException($"a Gram matrix is taken of a feature map [N, C, H, W], not of rank {features.dim()}", nameof(features));
        var (n, c, h, w) = (features.shape[0], features.shape[1], features.shape[2], features.shape[3]);
        using var flat = features.reshape(n, c, h * w);
        return matmul(flat, flat.transpose(1, 2)).div_(c * h * w);
    }

    public static Tensor StyleLoss(Tensor student, Tensor teacher)
    {
        using var s = Of(student);
        using var t = Of(teacher);
        return nn.functional.l1_loss(s, t);
    }
}
