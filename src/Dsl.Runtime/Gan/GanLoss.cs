using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>The adversarial objective: least squares (LSGAN, CycleGAN's) or the original cross-entropy on logits (Pix2Pix's "vanilla").</summary>
public enum GanObjective
{
    Lsgan,
    Vanilla,
}

/// <summary>The adversarial loss of a discriminator's predictions against "real" (1) or "fake" (0) everywhere on its patch map.</summary>
public static class GanLoss
{
    public static Tensor Of(Tensor prediction, bool real, GanObjective objective)
    {
        using var target = real ? ones_like(prediction) : zeros_like(prediction);
        return objective == GanObjective.Lsgan
            ? nn.functional.mse_loss(prediction, target)
            : nn.functional.binary_cross_entropy_with_logits(prediction, target);
    }
}
