using System;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// Attention-ranking distillation (Bi-ViT's idea; the paper's exact loss is not public, this
/// pairwise form is our choice): for each query row, pairs of keys (i, j) that the teacher
/// orders one way and the student the other cost log(1 + exp(−d·(s_i − s_j))), d the teacher's
/// order (±1) and s the student's attention logits; pairs ordered alike cost nothing. The mean
/// is over all pairs considered, so the loss is 0 when every pair agrees.
/// </summary>
public static class RankingLoss
{
    /// <param name="student">Student attention logits [B, H, T, T].</param>
    /// <param name="teacher">Teacher attention logits of the same shape.</param>
    /// <param name="pairs">Key pairs sampled per step (the same for every row); 0 uses every pair i &lt; j.</param>
    public static Tensor Compute(Tensor student, Tensor teacher, long pairs, Generator? generator = null)
    {
        if (!student.shape.AsSpan().SequenceEqual(teacher.shape)) throw new ArgumentException($"student attention {Shape(student)} and teacher attention {Shape(teacher)} differ");
        var tokens = student.shape[^1];
        Tensor first, second;
        if (pairs == 0)
        {
            var all = triu_indices(tokens, tokens, 1, device: student.device);
            (first, second) = (all[0], all[1]);
        }
        else
        {
            first = randint(0, tokens, new[] { pairs }, generator: generator, device: student.device);
            second = randint(0, tokens, new[] { pairs }, generator: generator, device: student.device);
        }
        var studentGap = student.index_select(-1, first) - student.index_select(-1, second);
        var order = (teacher.index_select(-1, first) - teacher.index_select(-1, second)).sign().detach();
        var disagree = (studentGap * order).lt(0).to_type(student.dtype);
        return (disagree * nn.functional.softplus(-order * studentGap)).mean();
    }

    private static string Shape(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
