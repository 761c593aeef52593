using static TorchSharp.torch;

namespace Dsl.Runtime.LowBit;

/// <summary>Straight-through estimators: a forward value with the gradient of a simpler function.</summary>
internal static class Ste
{
    /// <summary>round(x) forward, identity backward.</summary>
    public static Tensor Round(Tensor x) => x + (x.round() - x).detach();

    /// <summary>±1 (never 0) forward, <paramref name="surrogate"/>'s gradient backward.</summary>
    public static Tensor Sign(Tensor x, Tensor surrogate) => surrogate + (Binary(x) - surrogate).detach();

    /// <summary>+1 where x ≥ 0, −1 elsewhere: sign without torch's 0 at 0, so binary values stay binary.</summary>
    public static Tensor Binary(Tensor x) => where(x >= 0, 1f, -1f).to_type(x.dtype);

    /// <summary>
    /// A function of x whose gradient is 2 − 2|x| on (−1, 1) and 0 outside (Bi-Real's
    /// piecewise-quadratic approximation of sign): 2x − x·|x| inside, ±1 outside.
    /// </summary>
    public static Tensor Polynomial(Tensor x)
    {
        var inside = x.clamp(-1, 1);
        return 2 * inside - inside * inside.abs();
    }

    /// <summary>Multiplies the gradient reaching <paramref name="x"/> by <paramref name="scale"/> and leaves its value: LSQ's step-size gradient scaling.</summary>
    public static Tensor ScaleGradient(Tensor x, double scale) => (x - x * scale).detach() + x * scale;
}
