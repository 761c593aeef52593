using Dsl.Runtime.Training;
using TorchSharp;
using static Dsl.Runtime.Tests.TrainingFixture;
using static TorchSharp.torch;

namespace Dsl.Runtime.Tests;

/// <summary>Generated @quant, @binarize and @distill models: weights, gradients, distillation steps.</summary>
public class LowBitModelTests
{
    [Fact]
    public void Full_precision_weights_load_into_the_quantized_model_under_the_same_names()
    {
        using var full = new TinyViT();
        using var quantized = new TinyViTQuant();
        var fullKeys = full.state_dict().Keys.ToHashSet();
        var quantizedKeys = quantized.state_dict().Keys.ToHashSet();
        Assert.Subset(quantizedKeys, fullKeys);
        // What the quantized model adds is its quantizers' state.
        Assert.All(quantizedKeys.Except(fullKeys), k => Assert.Contains("_quant.", k));
        Assert.Contains("blocks.0.attn.qkv.weight_quant.step", quantizedKeys);
        Assert.Contains("blocks.0.attn.attn_quant.step", quantizedKeys);
        Assert.DoesNotContain(quantizedKeys, k => k.StartsWith("head.") && k.Contains("_quant"));
    }

    [Fact]
    public void Every_parameter_of_the_quantized_and_binarized_models_gets_a_gradient()
    {
        manual_seed(6);
        foreach (var model in new nn.Module<Tensor, Tensor>[] { new TinyViTQuant(), new TinyBiViT(), new TinyBinaryNet() })
        {
            model.train();
            var logits = model.forward(TrainData(8).Images);
            nn.functional.cross_entropy(logits, TrainData(8).Labels).backward();
            foreach (var (name, p) in model.named_parameters())
            {
                // The distillation head learns only from its own loss.
                if (name.StartsWith("head_dist", StringComparison.Ordinal)) continue;
                Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{model.GetType().Name}.{name} has no gradient");
            }
            model.Dispose();
        }
    }

    [Fact]
    public void The_second_stage_starts_from_the_first_and_its_scales_from_the_loaded_weights()
    {
        manual_seed(7);
        using var stageOne = new TinyBinaryActivationsNet();
        using var stageTwo = new TinyBinaryNet();
        var (missing, unexpected) = stageTwo.load_state_dict(stageOne.state_dict(), strict: false);
        Assert.Empty(unexpected);
        Assert.All(missing, k => Assert.StartsWith("binary.weight_quant.", k));
        stageTwo.train();
        stageTwo.forward(TrainData(8).Images);
        var loaded = stageOne.state_dict()["binary.weight"];
        var rebnn = stageTwo.modules().OfType<Dsl.Runtime.LowBit.ReBnnWeight>().Single();
        Assert.True(rebnn.parameters().Single().detach().allclose(loaded.abs().mean(new long[] { 1, 2, 3 }), rtol: 1e-6, atol: 0));
        Assert.Equal(0, rebnn.LastFlips!.abs().sum().item<float>());
    }

    [Fact]
    public void Distilled_models_train_against_their_teacher_with_every_declared_loss()
    {
        manual_seed(7);
        using var teacher = new TinyViT();
        using var student = new TinyBiViT();
        var trainer = new Trainer(Options(epochs: 1), TextWriter.Null);
        student.Distillation.From(teacher);
        var before = teacher.state_dict().ToDictionary(p => p.Key, p => p.Value.clone());
        trainer.Fit(student, Loader(TrainData(64)), Loader(TestData(32), shuffle: false));
        var (task, soft, hard, ranking) = student.Distillation.LastLosses;
        Assert.True(task > 0 && hard > 0 && ranking > 0, student.Distillation.LastLosses.ToString());
        Assert.Equal(0, soft);
        // The teacher runs in eval mode and never learns.
        Assert.All(teacher.state_dict(), p => Assert.True(p.Value.equal(before[p.Key]).all().item<bool>(), p.Key));
        Assert.False(teacher.training);
    }

    [Fact]
    public void At_inference_the_classifier_and_distillation_head_are_averaged()
    {
        manual_seed(8);
        using var student = new TinyBiViT();
        var images = TrainData(4).Images;
        student.train();
        using var noGrad = no_grad();
        var trained = student.forward(images);
        var distilled = student.Distillation.DistillationLogits!;
        student.eval();
        Assert.True(student.forward(images).allclose((trained + distilled) / 2, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void A_teacher_of_another_class_is_refused()
    {
        using var student = new TinyBinaryNet();
        using var wrong = new TinyViT();
        var e = Assert.Throws<ArgumentException>(() => student.Distillation.From(wrong));
        Assert.Contains("distilled from TinyNet, not TinyViT", e.Message);
        using var right = new TinyNet();
        student.Distillation.From(right);
    }

    [Fact]
    public void A_distilled_model_without_its_teacher_is_an_error_unless_it_says_so()
    {
        using var student = new TinyBinaryNet();
        var trainer = new Trainer(Options(epochs: 1), TextWriter.Null);
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Fit(student, Loader(TrainData(32)), Loader(TestData(32), shuffle: false)));
        Assert.Contains("distilled from TinyNet: give its trained teacher with model.Distillation.From(teacher)", e.Message);
        student.Distillation.WithoutTeacher();
        trainer.Fit(student, Loader(TrainData(32)), Loader(TestData(32), shuffle: false));
        Assert.Equal(default, student.Distillation.LastLosses);
    }
}
